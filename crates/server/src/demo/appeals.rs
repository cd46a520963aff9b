//! The demo's appeals: sixteen cases at every stage, filed by the demo's verified people and
//! handled by the bodies' staff through the appeals service itself — which derives each
//! applicant's pseudonym for the case, seals a private appeal's texts (only a commitment
//! reaches the log), and checks every act as on the pages — at moments in the past.
//!
//! Moments are counted in working days before today, by the calendar the history publishes,
//! so that whatever the day the demo starts, the same cases are overdue, due soon or
//! waiting: the rules then compute every deadline from the entries' timestamps, and mark
//! the overdue ones themselves.
//!
//! Texts are content, in the languages the applicants would write in: Kazakh, Russian,
//! English, or two of them. A forward's or an extension's reason is one line, in the
//! official's language.

use std::collections::HashMap;
use std::sync::Arc;

use dauys_core::{AccountId, AppealId, AppealKind, AppealOutcome, Lang, PartialText, Timestamp, Visibility};

use super::cast::Who;
use super::history::History;
use crate::appeals::{Appeals, Filing};
use crate::people::{run_blocking, Account, People, Person};

/// An act on an appeal, or a person's verification, done through the services. Appeals are
/// named by a label in the script (`"roof"`); the service gives them their ids.
pub(crate) enum Step {
    /// The demo's administrator verifies a person in person.
    Verify(Who),
    File(Box<DemoFiling>),
    Forward {
        case: &'static str,
        by: Who,
        to: &'static str,
        reason: &'static str,
    },
    /// An official opens a private appeal (an accountable opening, logged).
    Open {
        case: &'static str,
        by: Who,
        purpose: &'static str,
    },
    Ask {
        case: &'static str,
        by: Who,
        question: PartialText,
    },
    Clarify {
        case: &'static str,
        who: Who,
        reply: PartialText,
    },
    /// The head extends the deadline to `days` calendar days after the case reached the body.
    Extend {
        case: &'static str,
        by: Who,
        days: i64,
        reason: &'static str,
    },
    Answer {
        case: &'static str,
        by: Who,
        outcome: AppealOutcome,
        text: PartialText,
    },
    Rate {
        case: &'static str,
        who: Who,
        rating: u8,
    },
}

/// An appeal as the script files it.
pub(crate) struct DemoFiling {
    pub case: &'static str,
    pub who: Who,
    /// `None` for a complaint, which goes to the superior of the body that owed the answer.
    pub body: Option<&'static str>,
    pub kind: AppealKind,
    pub topic: &'static str,
    pub place: Option<&'static str>,
    pub private: bool,
    pub lang: Lang,
    pub title: PartialText,
    pub text: PartialText,
    /// The case this one complains about.
    pub about: Option<&'static str>,
}

impl Step {
    /// The kind of the entry the step logs, to name it if it is refused.
    pub fn kind(&self) -> &'static str {
        match self {
            Step::Verify(_) => "person.verified",
            Step::File(_) => "appeal.filed",
            Step::Forward { .. } => "appeal.forwarded",
            Step::Open { .. } => "personal_data.opened",
            Step::Ask { .. } => "appeal.clarification_requested",
            Step::Clarify { .. } => "appeal.clarified",
            Step::Extend { .. } => "appeal.extended",
            Step::Answer { .. } => "appeal.answered",
            Step::Rate { .. } => "appeal.rated",
        }
    }
}

/// What the steps run with.
pub(crate) struct Services {
    pub people: Arc<People>,
    pub appeals: Arc<Appeals>,
    pub accounts: HashMap<Who, AccountId>,
    pub utc_offset_minutes: i16,
}

impl Services {
    async fn account(&self, who: Who) -> Result<Account, String> {
        let id = self.accounts.get(&who).ok_or_else(|| format!("no demo account for {who:?}"))?.to_string();
        let people = self.people.clone();
        run_blocking(move || people.account(&id)).await.map_err(|e| e.to_string())
    }
}

fn parse<T: std::str::FromStr>(s: &str) -> Result<T, String>
where
    T::Err: std::fmt::Display,
{
    s.parse().map_err(|e| format!("demo identifier `{s}`: {e}"))
}

/// Runs one step at `at` (the history's clock); a filing returns its label and the id the
/// service gave it. `cases` are the ids of the appeals filed so far.
pub(crate) async fn perform(
    step: Step,
    services: Arc<Services>,
    cases: HashMap<&'static str, AppealId>,
    at: Timestamp,
) -> Result<Option<(&'static str, AppealId)>, String> {
    let case = |label: &str| cases.get(label).cloned().ok_or_else(|| format!("no demo appeal `{label}` filed yet"));
    let appeals = &services.appeals;
    let failed = |e: crate::appeals::AppealError| e.to_string();
    match step {
        Step::Verify(who) => {
            let admin = services.account(Who::Admin).await?;
            let claim = who.member().claim().ok_or_else(|| format!("{who:?} has no identity"))?;
            let id = services.accounts.get(&who).ok_or_else(|| format!("no demo account for {who:?}"))?;
            services
                .people
                .verify(id, &claim, dauys_core::VerificationMethod::Manual, Some(&admin))
                .await
                .map_err(|e| e.to_string())?;
        }
        Step::File(f) => {
            let applicant = services.account(f.who).await?;
            let filing = Filing {
                body: f.body.map(parse).transpose()?,
                kind: f.kind,
                topic: parse(f.topic)?,
                place: f.place.map(parse).transpose()?,
                visibility: if f.private { Visibility::Private } else { Visibility::Public },
                title: f.title,
                text: f.text,
                complaint_about: f.about.map(case).transpose()?,
                attachments: Vec::new(),
                lang: f.lang,
            };
            let filed = appeals.file(Person::from(&applicant), filing).await.map_err(failed)?;
            return Ok(Some((f.case, filed.appeal)));
        }
        Step::Forward { case: label, by, to, reason } => {
            let official = services.account(by).await?;
            appeals.forward(&official, &case(label)?, parse(to)?, reason, None).await.map_err(failed)?;
        }
        Step::Open { case: label, by, purpose } => {
            let official = services.account(by).await?;
            appeals.open_for_official(&official, &case(label)?, purpose, None).await.map_err(failed)?;
        }
        Step::Ask { case: label, by, question } => {
            let official = services.account(by).await?;
            appeals.ask(&official, &case(label)?, question, None).await.map_err(failed)?;
        }
        Step::Clarify { case: label, who, reply } => {
            let applicant = services.account(who).await?;
            appeals.clarify(Person::from(&applicant), &case(label)?, reply).await.map_err(failed)?;
        }
        Step::Extend { case: label, by, days, reason } => {
            let head = services.account(by).await?;
            let id = case(label)?;
            let appeal = appeals.get(&id).map_err(failed)?;
            let decided_on = at.date_at_offset(services.utc_offset_minutes);
            let until = appeal.received_on.saturating_add(time::Duration::days(days));
            appeals.extend(&head, &id, decided_on, until, reason, None).await.map_err(failed)?;
        }
        Step::Answer { case: label, by, outcome, text } => {
            let official = services.account(by).await?;
            appeals.answer(&official, &case(label)?, outcome, text, None).await.map_err(failed)?;
        }
        Step::Rate { case: label, who, rating } => {
            let applicant = services.account(who).await?;
            appeals.rate(Person::from(&applicant), &case(label)?, rating).await.map_err(failed)?;
        }
    }
    Ok(None)
}

fn kk(kk: &str) -> PartialText {
    PartialText { kk: Some(kk.into()), ru: None, en: None }
}

fn ru(ru: &str) -> PartialText {
    PartialText { kk: None, ru: Some(ru.into()), en: None }
}

fn en(en: &str) -> PartialText {
    PartialText { kk: None, ru: None, en: Some(en.into()) }
}

fn kk_ru(kk: &str, ru: &str) -> PartialText {
    PartialText { kk: Some(kk.into()), ru: Some(ru.into()), en: None }
}

fn kk_en(kk: &str, en: &str) -> PartialText {
    PartialText { kk: Some(kk.into()), ru: None, en: Some(en.into()) }
}

fn ru_en(ru: &str, en: &str) -> PartialText {
    PartialText { kk: None, ru: Some(ru.into()), en: Some(en.into()) }
}

/// A filing of the script.
#[allow(clippy::too_many_arguments)]
fn filing(
    case: &'static str,
    who: Who,
    body: Option<&'static str>,
    kind: AppealKind,
    topic: &'static str,
    place: Option<&'static str>,
    private: bool,
    lang: Lang,
    title: PartialText,
    text: PartialText,
) -> Step {
    Step::File(Box::new(DemoFiling { case, who, body, kind, topic, place, private, lang, title, text, about: None }))
}

/// The people who file appeals are verified by the demo's administrator, months before.
pub(crate) fn verifications(h: &mut History) {
    for (days_ago, who) in [(100.0, Who::Citizen), (80.0, Who::Irina), (75.0, Who::Daniyar), (70.0, Who::Baurzhan)] {
        h.step(days_ago, Step::Verify(who));
    }
}

/// The sixteen cases. `h.wd(n, hh, mm)` is `n` working days before today at `hh:mm` local
/// time; the comment on each case says where it stands today.
pub(crate) fn appeals(h: &mut History) {
    use AppealKind::{Application, InformationRequest, Proposal};
    use AppealOutcome::{PartlySatisfied, Refused, Satisfied};
    use Lang::{En, Kk, Ru};

    // Overdue (deemed refused): filed 34 working days ago, the district akimat never
    // answered; 12 working days ago the applicant complained to the city akimat, which now
    // has 3 working days left.
    h.at(
        h.wd(34, 10, 15),
        filing(
            "trees",
            Who::Citizen,
            Some("akimat-astana-esil"),
            Application,
            "environment",
            Some("astana/esil"),
            false,
            Kk,
            kk("Аулада ағаштар рұқсатсыз кесілді"),
            kk("Тұран даңғылы, 37 үйдің ауласында он екі қарағаш рұқсатсыз кесілді, жұмысшылар қай мекемеден \
                екенін айтпады. Кесуге кім рұқсат бергенін тексеріп, кесілген ағаштардың орнына жаңа көшет \
                отырғызуды сұраймын."),
        ),
    );
    h.at(
        h.wd(12, 11, 0),
        Step::File(Box::new(DemoFiling {
            case: "trees-complaint",
            who: Who::Citizen,
            body: None,
            kind: AppealKind::Complaint,
            topic: "environment",
            place: Some("astana/esil"),
            private: false,
            lang: Kk,
            title: kk_ru("Аудан әкімдігі өтінішке жауап бермеді", "Акимат района не ответил на обращение"),
            text: kk_ru(
                "Есіл ауданының әкімдігіне аулада ағаштардың кесілуі туралы өтініш бердім. Заң бойынша 15 жұмыс \
                 күні ішінде жауап берілуге тиіс еді, бірақ мерзім өтіп кетті. Жауап берілмеуін бас тарту деп \
                 санап, қала әкімдігінен мәселені қарауды сұраймын.",
                "Я подала в акимат района Есиль обращение о вырубке деревьев во дворе. По закону ответ должен был \
                 прийти в течение 15 рабочих дней, но срок истёк. Прошу акимат города рассмотреть вопрос, считая \
                 молчание отказом.",
            ),
            about: Some("trees"),
        })),
    );

    // Overdue, private: filed 27 working days ago with the Bostandyk district akimat.
    h.at(
        h.wd(27, 9, 40),
        filing(
            "assistance",
            Who::Irina,
            Some("akimat-almaty-bostandyk"),
            Application,
            "social",
            Some("almaty-city/bostandyk"),
            true,
            Ru,
            ru("Назначение адресной социальной помощи"),
            ru("Я одна воспитываю двоих детей и с сентября не работаю по состоянию здоровья. Документы на \
                адресную социальную помощь сданы в центр занятости больше месяца назад, решения до сих пор нет. \
                Прошу сообщить, на каком этапе рассмотрение и каких документов не хватает."),
        ),
    );

    // Filed with the wrong body: the Ministry of Health forwarded it within its three working
    // days to the Almaty health department, which answered; the applicant rated the answer.
    h.at(
        h.wd(20, 14, 20),
        filing(
            "lift",
            Who::Irina,
            Some("mz"),
            Application,
            "health",
            Some("almaty-city/bostandyk"),
            false,
            Ru,
            ru("Не работает лифт в городской поликлинике № 5"),
            ru("В поликлинике № 5 на улице Тимирязева лифт не работает уже три недели. Пожилые пациенты и мамы \
                с колясками не могут попасть к врачам на четвёртом этаже. Прошу восстановить работу лифта."),
        ),
    );
    h.at(
        h.wd(18, 10, 0),
        Step::Forward {
            case: "lift",
            by: Who::HealthMinistry,
            to: "almaty-health",
            reason: "Содержание городских поликлиник относится к компетенции управления общественного \
                     здравоохранения города Алматы",
        },
    );
    h.at(
        h.wd(9, 16, 30),
        Step::Answer {
            case: "lift",
            by: Who::AlmatyHealth,
            outcome: Satisfied,
            text: ru("Лифт в поликлинике № 5 отремонтирован и принят комиссией. Ежемесячный технический осмотр \
                      закреплён за обслуживающей организацией, главному врачу поручено сообщать о неисправностях \
                      в тот же день. Благодарим за обращение."),
        },
    );
    h.at(h.wd(8, 19, 5), Step::Rate { case: "lift", who: Who::Irina, rating: 5 });

    // Filed with the wrong body and forwarded late (after four working days): in progress at
    // the Astana roads department, whose deadline counts from the day it arrived.
    h.at(
        h.wd(9, 8, 50),
        filing(
            "shelter",
            Who::Daniyar,
            Some("mt"),
            Proposal,
            "roads",
            Some("astana/almaty"),
            false,
            En,
            en("A shelter for the bus stop on Tauelsizdik Avenue"),
            en("The stop by the residential complex at Tauelsizdik Avenue 34 has neither a shelter nor a bench. \
                In winter dozens of people, many of them elderly, wait there in the wind for up to twenty minutes. \
                Please install a heated shelter like those on Kabanbay Batyr Avenue."),
        ),
    );
    h.at(
        h.wd(5, 15, 10),
        Step::Forward {
            case: "shelter",
            by: Who::TransportMinistry,
            to: "astana-roads",
            reason: "Обустройство остановок общественного транспорта в городе относится к компетенции местного \
                     исполнительного органа",
        },
    );

    // Awaiting clarification, private: the Esil official opened it (logged, and shown to the
    // applicant on "who looked at my data") and asked for documents.
    h.at(
        h.wd(4, 9, 30),
        filing(
            "family",
            Who::Citizen,
            Some("akimat-astana-esil"),
            Application,
            "social",
            Some("astana/esil"),
            true,
            Kk,
            kk("Көпбалалы отбасыға біржолғы әлеуметтік көмек"),
            kk("Төрт баламыз бар, жолдасым қазан айынан бері жұмыссыз. Балаларға қыстық киім алу үшін \
                біржолғы әлеуметтік көмек тағайындауды сұраймын."),
        ),
    );
    h.at(
        h.wd(3, 10, 0),
        Step::Open {
            case: "family", by: Who::Official, purpose: "Көмек тағайындау үшін отбасы құрамын тексеру"
        },
    );
    h.at(
        h.wd(3, 10, 20),
        Step::Ask {
            case: "family",
            by: Who::Official,
            question: kk("Отбасының соңғы үш айдағы табысы туралы анықтаманы және балалардың туу туралы \
                          куәліктерінің көшірмелерін жіберуіңізді сұраймыз."),
        },
    );

    // Clarified: asked two working days after filing, answered two days later; the clock
    // stood still meanwhile, so the deadline moved by as much.
    h.at(
        h.wd(10, 12, 0),
        filing(
            "hot-water",
            Who::Daniyar,
            Some("astana-housing"),
            Application,
            "housing",
            Some("astana/almaty"),
            false,
            En,
            en("No hot water in our building for two weeks"),
            en("There has been no hot water at Bauyrzhan Momyshuly Avenue 12 for two weeks. The management \
                company says the fault is in the city network and that it cannot help. Please restore the supply \
                and tell us when it will be fixed."),
        ),
    );
    h.at(
        h.wd(8, 11, 30),
        Step::Ask {
            case: "hot-water",
            by: Who::AstanaDepartments,
            question: en("Please tell us which entrances have no hot water, and whether the cold water supply is \
                          affected too."),
        },
    );
    h.at(
        h.wd(6, 20, 15),
        Step::Clarify {
            case: "hot-water",
            who: Who::Daniyar,
            reply: en("Entrances 2 and 3 have no hot water; entrance 1 has it. Cold water is fine everywhere."),
        },
    );

    // Extended: the head of the housing department moved the deadline (which would have
    // passed yesterday) to 40 days after the case arrived, with the reason.
    h.at(
        h.wd(16, 9, 0),
        filing(
            "roof",
            Who::Citizen,
            Some("astana-housing"),
            Application,
            "housing",
            Some("astana/esil"),
            false,
            Kk,
            kk_ru("Үйдің шатыры ағып тұр", "Протекает крыша дома"),
            kk_ru(
                "Сарайшық көшесі, 5 үйдің шатыры әр жаңбыр сайын ағады, жоғарғы қабаттағы үш пәтердің төбесі \
                 зақымданды. Шатырды күрделі жөндеу жоспарына енгізуді сұраймыз.",
                "Крыша дома № 5 на улице Сарайшык протекает при каждом дожде, в трёх квартирах верхнего этажа \
                 повреждены потолки. Просим включить кровлю в план капитального ремонта.",
            ),
        ),
    );
    h.at(
        h.wd(13, 17, 0),
        Step::Extend {
            case: "roof",
            by: Who::Head,
            days: 40,
            reason: "Требуется обследование кровли специализированной организацией и смета работ; ответ будет \
                     дан по итогам обследования",
        },
    );

    // Answered (satisfied) and rated 5.
    h.at(
        h.wd(30, 10, 30),
        filing(
            "crossing",
            Who::Baurzhan,
            Some("akimat-shymkent"),
            Proposal,
            "roads",
            Some("shymkent/al-farabi"),
            false,
            Kk,
            kk_ru("№ 45 мектеп жанына жаяу жүргіншілер өткелі", "Пешеходный переход у школы № 45"),
            kk_ru(
                "Байтұрсынов көшесіндегі № 45 мектептің жанында балалар жолды көлік ағынының арасынан кесіп \
                 өтеді. Бағдаршаммен реттелетін өткел жасап, жылдамдықты шектейтін белгі орнатуды ұсынамын.",
                "Возле школы № 45 на улице Байтурсынова дети переходят дорогу прямо в потоке машин. Предлагаю \
                 обустроить регулируемый пешеходный переход и установить знак ограничения скорости.",
            ),
        ),
    );
    h.at(
        h.wd(18, 15, 0),
        Step::Answer {
            case: "crossing",
            by: Who::Shymkent,
            outcome: Satisfied,
            text: kk_ru(
                "Ұсыныс қолдау тапты: өткел бағдаршаммен жабдықталды, мектеп маңында жылдамдықты сағатына 40 \
                 шақырымға шектейтін белгі орнатылды.",
                "Предложение поддержано: переход оборудован светофором, у школы установлен знак ограничения \
                 скорости 40 км/ч.",
            ),
        },
    );
    h.at(h.wd(17, 21, 10), Step::Rate { case: "crossing", who: Who::Baurzhan, rating: 5 });

    // Answered (partly satisfied), private, rated 3.
    h.at(
        h.wd(22, 11, 45),
        filing(
            "endocrinologist",
            Who::Baurzhan,
            Some("akimat-shymkent"),
            Application,
            "health",
            Some("shymkent/al-farabi"),
            true,
            Ru,
            ru("Запись к эндокринологу"),
            ru("Моей матери 72 года, у неё сахарный диабет. В поликлинике по месту жительства запись к \
                эндокринологу открыта только на следующий месяц. Прошу помочь с приёмом раньше и обеспечить её \
                бесплатными тест-полосками."),
        ),
    );
    h.at(
        h.wd(10, 12, 10),
        Step::Answer {
            case: "endocrinologist",
            by: Who::Shymkent,
            outcome: PartlySatisfied,
            text: ru("Приём у эндокринолога назначен на ближайшую неделю, поликлиника свяжется с вами. \
                      Тест-полоски выдаются бесплатно в пределах нормы, установленной Министерством \
                      здравоохранения; выдать их сверх нормы нет возможности."),
        },
    );
    h.at(h.wd(9, 9, 0), Step::Rate { case: "endocrinologist", who: Who::Baurzhan, rating: 3 });

    // Answered (refused), rated 2.
    h.at(
        h.wd(14, 18, 40),
        filing(
            "speed-camera",
            Who::Daniyar,
            Some("astana-roads"),
            Proposal,
            "roads",
            Some("astana/esil"),
            false,
            En,
            en("A speed camera on Turan Avenue by the park"),
            en("Drivers regularly go faster than 100 km/h on Turan Avenue between Syganak Street and the park \
                entrance, where many children cross. I propose installing a speed camera there."),
        ),
    );
    h.at(
        h.wd(5, 11, 0),
        Step::Answer {
            case: "speed-camera",
            by: Who::AstanaDepartments,
            outcome: Refused,
            text: ru_en(
                "Камеры фиксации скорости устанавливаются там, где этого требует статистика ДТП; на этом участке \
                 за два года не было происшествий с пострадавшими. Вместо камеры у входа в парк в программу \
                 ремонта дорог на следующий год включён приподнятый пешеходный переход.",
                "Speed cameras are installed where the accident record calls for them; this section has had no \
                 accidents with injuries in two years. Instead, a raised pedestrian crossing by the park entrance \
                 is in next year's road repair programme.",
            ),
        },
    );
    h.at(h.wd(4, 22, 0), Step::Rate { case: "speed-camera", who: Who::Daniyar, rating: 2 });

    // In progress, due in two working days.
    h.at(
        h.wd(13, 8, 40),
        filing(
            "potholes",
            Who::Citizen,
            Some("astana-roads"),
            Application,
            "roads",
            Some("astana/esil"),
            false,
            Kk,
            kk_ru("Сығанақ көшесіндегі терең шұңқырлар", "Глубокие ямы на улице Сыганак"),
            kk_ru(
                "Сығанақ көшесінің Қабанбай батыр даңғылынан Тұран даңғылына дейінгі бөлігінде асфальтта терең \
                 шұңқырлар пайда болды, екі көліктің дөңгелегі жарылды. Жолды қыс басталғанша жөндеуді сұраймын.",
                "На участке улицы Сыганак от проспекта Кабанбай батыра до проспекта Туран в асфальте появились \
                 глубокие ямы, у двух машин лопнули шины. Прошу отремонтировать дорогу до наступления зимы.",
            ),
        ),
    );

    // In progress, filed two working days ago with a ministry.
    h.at(
        h.wd(2, 13, 25),
        filing(
            "smog",
            Who::Irina,
            Some("meprr"),
            Proposal,
            "environment",
            Some("almaty-city"),
            false,
            Ru,
            ru("Перевести ТЭЦ-2 Алматы на газ до следующего отопительного сезона"),
            ru("Зимой над Алматы стоит смог, и заметная его часть — выбросы угольной ТЭЦ-2. Предлагаю \
                опубликовать график перевода станции на газ и ежемесячно отчитываться о ходе работ."),
        ),
    );

    // Awaiting clarification, public.
    h.at(
        h.wd(5, 9, 20),
        filing(
            "dump",
            Who::Baurzhan,
            Some("akimat-shymkent"),
            Application,
            "environment",
            Some("shymkent/al-farabi"),
            false,
            Ru,
            ru("Стихийная свалка у канала Бадам"),
            ru("На берегу канала у моста на улице Жибек жолы больше месяца копится строительный мусор, по \
                вечерам его жгут. Прошу убрать свалку и установить камеру наблюдения."),
        ),
    );
    h.at(
        h.wd(2, 15, 40),
        Step::Ask {
            case: "dump",
            by: Who::Shymkent,
            question: ru("Уточните, пожалуйста, с какой стороны моста находится свалка и примерно какую площадь \
                          она занимает."),
        },
    );

    // Open at the Ministry of Education and Science when it was split (see
    // `split_ministry`): the rules move the first, on education, to the Ministry of Education
    // (due tomorrow), and the second, on a research grant, to the Ministry of Science and
    // Higher Education.
    h.at(
        h.wd(14, 16, 0),
        filing(
            "textbooks",
            Who::Daniyar,
            Some(super::registry::SPLIT_MINISTRY),
            Application,
            "education",
            Some("astana/almaty"),
            false,
            En,
            kk_en("5-сынып оқулықтары екі ай кешікті", "Grade 5 textbooks arrived two months late"),
            kk_en(
                "Ұлымыз оқитын № 71 мектепке 5-сыныптың математика және жаратылыстану оқулықтары оқу жылы \
                 басталғаннан кейін екі айдан соң ғана келді, оған дейін балалар көшірмелермен оқыды. Жеткізудің \
                 неге кешіккенін және келесі жылы бұған қалай жол берілмейтінін түсіндіруіңізді сұраймыз.",
                "Our son's school (No. 71) received the Grade 5 mathematics and natural science textbooks only two \
                 months after the school year began; until then the children worked from photocopies. Please \
                 explain why the delivery was late and how this will be avoided next year.",
            ),
        ),
    );
    h.at(
        h.wd(11, 10, 10),
        filing(
            "grant",
            Who::Irina,
            Some(super::registry::SPLIT_MINISTRY),
            InformationRequest,
            "other",
            None,
            false,
            Ru,
            ru("Итоги конкурса грантового финансирования научных проектов"),
            ru("Наша лаборатория подала заявку на конкурс грантового финансирования молодых учёных. Итоги \
                должны были объявить месяц назад, но они до сих пор не опубликованы. Прошу сообщить, когда будут \
                опубликованы результаты и как можно обжаловать решение комиссии."),
        ),
    );
}

/// When the Ministry of Education and Science is split: six working days ago, at 09:30.
pub(crate) fn split_at(h: &History) -> Timestamp {
    h.wd(6, 9, 30)
}
