//! The demo's registry: real Kazakh state bodies as they stand (the Government, ministries,
//! city and oblast akimats with their departments, district akimats, maslikhats), each with
//! the territory it serves and the topics it is competent for, so that filing an appeal
//! without a body finds the competent one nearest the place, and a local petition is for
//! its body's territory.
//!
//! One body is history: the Ministry of Education and Science, split by topic into the
//! Ministry of Education and the Ministry of Science and Higher Education (as in 2022). The
//! demo's history registers the two successors on the day of the split, which moves the
//! open cases of the old ministry to them.

use dauys_core::{BodyId, BodyKind, Event, Locality, LocalizedText, SplitRule, TopicCode};

/// The ministry the history splits, its successors (the first competent for a case's topic
/// takes it) and the one that takes what no successor is competent for.
pub const SPLIT_MINISTRY: &str = "mes";
pub const SPLIT_SUCCESSORS: [&str; 2] = ["mon", "mnvo"];
pub const SPLIT_OTHERWISE: &str = "mnvo";

/// Every appeal topic of `appeals::default_rules()`: what a city or oblast akimat without
/// departments in the demo is competent for.
const ALL_TOPICS: &[&str] = &["education", "environment", "health", "housing", "other", "roads", "social"];

/// A body the demo registers. Parents come before their children; competences are appeal
/// (and petition) topic codes, ascending.
pub(crate) struct DemoBody {
    pub id: &'static str,
    pub kind: BodyKind,
    pub parent: Option<&'static str>,
    /// A region, or a region and district; `None` for a national body.
    pub territory: Option<&'static str>,
    pub competences: &'static [&'static str],
    /// Kazakh, Russian, English.
    pub name: [&'static str; 3],
}

const fn body(
    id: &'static str,
    kind: BodyKind,
    parent: Option<&'static str>,
    territory: Option<&'static str>,
    competences: &'static [&'static str],
    name: [&'static str; 3],
) -> DemoBody {
    DemoBody { id, kind, parent, territory, competences, name }
}

const GOVERNMENT: Option<&str> = Some("government");

pub(crate) const BODIES: &[DemoBody] = &[
    body(
        "government",
        BodyKind::Government,
        None,
        None,
        &[],
        [
            "Қазақстан Республикасының Үкіметі",
            "Правительство Республики Казахстан",
            "Government of the Republic of Kazakhstan",
        ],
    ),
    // Ministries: national, each competent for its own field.
    body(
        "mdai",
        BodyKind::Ministry,
        GOVERNMENT,
        None,
        &["digital"],
        [
            "Цифрлық даму, инновациялар және аэроғарыш өнеркәсібі министрлігі",
            "Министерство цифрового развития, инноваций и аэрокосмической промышленности",
            "Ministry of Digital Development, Innovations and Aerospace Industry",
        ],
    ),
    body(
        SPLIT_MINISTRY,
        BodyKind::Ministry,
        GOVERNMENT,
        None,
        &["education"],
        ["Білім және ғылым министрлігі", "Министерство образования и науки", "Ministry of Education and Science"],
    ),
    body(
        "mon",
        BodyKind::Ministry,
        GOVERNMENT,
        None,
        &["education"],
        ["Оқу-ағарту министрлігі", "Министерство просвещения", "Ministry of Education"],
    ),
    body(
        "mnvo",
        BodyKind::Ministry,
        GOVERNMENT,
        None,
        &["education"],
        [
            "Ғылым және жоғары білім министрлігі",
            "Министерство науки и высшего образования",
            "Ministry of Science and Higher Education",
        ],
    ),
    body(
        "mz",
        BodyKind::Ministry,
        GOVERNMENT,
        None,
        &["health"],
        ["Денсаулық сақтау министрлігі", "Министерство здравоохранения", "Ministry of Health"],
    ),
    body(
        "mtszn",
        BodyKind::Ministry,
        GOVERNMENT,
        None,
        &["social"],
        [
            "Еңбек және халықты әлеуметтік қорғау министрлігі",
            "Министерство труда и социальной защиты населения",
            "Ministry of Labour and Social Protection of the Population",
        ],
    ),
    body(
        "mt",
        BodyKind::Ministry,
        GOVERNMENT,
        None,
        &["roads"],
        ["Көлік министрлігі", "Министерство транспорта", "Ministry of Transport"],
    ),
    body(
        "meprr",
        BodyKind::Ministry,
        GOVERNMENT,
        None,
        &["environment"],
        [
            "Экология және табиғи ресурстар министрлігі",
            "Министерство экологии и природных ресурсов",
            "Ministry of Ecology and Natural Resources",
        ],
    ),
    // Astana: the city akimat, its departments (competent for their fields across the
    // city), two district akimats, the city maslikhat.
    body(
        "akimat-astana",
        BodyKind::Akimat,
        GOVERNMENT,
        Some("astana"),
        &["other"],
        ["Астана қаласының әкімдігі", "Акимат города Астаны", "Akimat of Astana"],
    ),
    body(
        "astana-housing",
        BodyKind::Other,
        Some("akimat-astana"),
        Some("astana"),
        &["housing"],
        [
            "Астана қаласының Тұрғын үй-коммуналдық шаруашылығы басқармасы",
            "Управление жилищно-коммунального хозяйства города Астаны",
            "Housing and Utilities Department of Astana",
        ],
    ),
    body(
        "astana-roads",
        BodyKind::Other,
        Some("akimat-astana"),
        Some("astana"),
        &["roads"],
        [
            "Астана қаласының Жолаушылар көлігі және автомобиль жолдары басқармасы",
            "Управление пассажирского транспорта и автомобильных дорог города Астаны",
            "Passenger Transport and Roads Department of Astana",
        ],
    ),
    body(
        "astana-education",
        BodyKind::Other,
        Some("akimat-astana"),
        Some("astana"),
        &["education"],
        ["Астана қаласының Білім басқармасы", "Управление образования города Астаны", "Education Department of Astana"],
    ),
    body(
        "maslikhat-astana",
        BodyKind::Maslikhat,
        None,
        Some("astana"),
        &[],
        ["Астана қалалық мәслихаты", "Маслихат города Астаны", "Astana City Maslikhat"],
    ),
    body(
        "akimat-astana-esil",
        BodyKind::Akimat,
        Some("akimat-astana"),
        Some("astana/esil"),
        &["other", "social"],
        [
            "Астана қаласы Есіл ауданының әкімдігі",
            "Акимат района Есиль города Астаны",
            "Akimat of Esil District, Astana",
        ],
    ),
    body(
        "akimat-astana-almaty",
        BodyKind::Akimat,
        Some("akimat-astana"),
        Some("astana/almaty"),
        &["other", "social"],
        [
            "Астана қаласы Алматы ауданының әкімдігі",
            "Акимат района Алматы города Астаны",
            "Akimat of Almaty District, Astana",
        ],
    ),
    // Almaty: the city akimat, two departments, a district akimat, the city maslikhat.
    body(
        "akimat-almaty",
        BodyKind::Akimat,
        GOVERNMENT,
        Some("almaty-city"),
        &["other"],
        ["Алматы қаласының әкімдігі", "Акимат города Алматы", "Akimat of Almaty"],
    ),
    body(
        "almaty-health",
        BodyKind::Other,
        Some("akimat-almaty"),
        Some("almaty-city"),
        &["health"],
        [
            "Алматы қаласының Қоғамдық денсаулық сақтау басқармасы",
            "Управление общественного здравоохранения города Алматы",
            "Public Health Department of Almaty",
        ],
    ),
    body(
        "almaty-mobility",
        BodyKind::Other,
        Some("akimat-almaty"),
        Some("almaty-city"),
        &["roads"],
        [
            "Алматы қаласының Қалалық мобильділік басқармасы",
            "Управление городской мобильности города Алматы",
            "Urban Mobility Department of Almaty",
        ],
    ),
    body(
        "akimat-almaty-bostandyk",
        BodyKind::Akimat,
        Some("akimat-almaty"),
        Some("almaty-city/bostandyk"),
        &["other", "social"],
        [
            "Алматы қаласы Бостандық ауданының әкімдігі",
            "Акимат Бостандыкского района города Алматы",
            "Akimat of Bostandyk District, Almaty",
        ],
    ),
    body(
        "maslikhat-almaty",
        BodyKind::Maslikhat,
        None,
        Some("almaty-city"),
        &[],
        ["Алматы қалалық мәслихаты", "Маслихат города Алматы", "Almaty City Maslikhat"],
    ),
    // Shymkent: the city akimat (no departments in the demo: competent for everything), a
    // district akimat, the city maslikhat.
    body(
        "akimat-shymkent",
        BodyKind::Akimat,
        GOVERNMENT,
        Some("shymkent"),
        ALL_TOPICS,
        ["Шымкент қаласының әкімдігі", "Акимат города Шымкент", "Akimat of Shymkent"],
    ),
    body(
        "akimat-shymkent-al-farabi",
        BodyKind::Akimat,
        Some("akimat-shymkent"),
        Some("shymkent/al-farabi"),
        &["other", "social"],
        [
            "Шымкент қаласы Әл-Фараби ауданының әкімдігі",
            "Акимат Аль-Фарабийского района города Шымкент",
            "Akimat of Al-Farabi District, Shymkent",
        ],
    ),
    body(
        "maslikhat-shymkent",
        BodyKind::Maslikhat,
        None,
        Some("shymkent"),
        &[],
        ["Шымкент қалалық мәслихаты", "Шымкентский городской маслихат", "Shymkent City Maslikhat"],
    ),
    // Oblasts: Ulytau (no departments in the demo), Karaganda with its natural resources
    // department and its maslikhat.
    body(
        "akimat-ulytau",
        BodyKind::Akimat,
        GOVERNMENT,
        Some("ulytau"),
        ALL_TOPICS,
        ["Ұлытау облысының әкімдігі", "Акимат области Улытау", "Akimat of Ulytau Region"],
    ),
    body(
        "akimat-karaganda",
        BodyKind::Akimat,
        GOVERNMENT,
        Some("karaganda"),
        &["education", "health", "housing", "other", "roads", "social"],
        ["Қарағанды облысының әкімдігі", "Акимат Карагандинской области", "Akimat of Karaganda Region"],
    ),
    body(
        "karaganda-ecology",
        BodyKind::Other,
        Some("akimat-karaganda"),
        Some("karaganda"),
        &["environment"],
        [
            "Қарағанды облысының Табиғи ресурстар және табиғат пайдалануды реттеу басқармасы",
            "Управление природных ресурсов и регулирования природопользования Карагандинской области",
            "Natural Resources and Environmental Management Department of Karaganda Region",
        ],
    ),
    body(
        "maslikhat-karaganda",
        BodyKind::Maslikhat,
        None,
        Some("karaganda"),
        &[],
        ["Қарағанды облыстық мәслихаты", "Карагандинский областной маслихат", "Karaganda Regional Maslikhat"],
    ),
];

/// A demo identifier, written in this module's tables and the history's, parsed; a typo in
/// them is a bug of the build, not an input.
pub(super) fn parse<T: std::str::FromStr>(s: &str) -> T
where
    T::Err: std::fmt::Display,
{
    match s.parse() {
        Ok(v) => v,
        Err(e) => unreachable!("demo identifier `{s}`: {e}"),
    }
}

impl DemoBody {
    /// Its `body.registered`.
    pub fn registration(&self) -> Event {
        let [kk, ru, en] = self.name;
        Event::BodyRegistered {
            body: parse(self.id),
            name: LocalizedText { kk: kk.into(), ru: ru.into(), en: en.into() },
            kind: self.kind,
            parent: self.parent.map(parse::<BodyId>),
            territory: self.territory.map(parse::<Locality>),
            competences: (!self.competences.is_empty())
                .then(|| self.competences.iter().map(|c| parse::<TopicCode>(c)).collect()),
        }
    }

    /// Registered only when the ministry is split (by the history; a live demo on a log
    /// without it registers every body at once).
    pub fn is_split_successor(&self) -> bool {
        SPLIT_SUCCESSORS.contains(&self.id)
    }
}

/// The split of the Ministry of Education and Science: cases on education go to the Ministry
/// of Education, the rest to the Ministry of Science and Higher Education.
pub fn split() -> Event {
    Event::BodySplit {
        body: parse(SPLIT_MINISTRY),
        successors: SPLIT_SUCCESSORS.iter().map(|s| parse::<BodyId>(s)).collect(),
        rule: SplitRule::ByTopic,
        otherwise: parse(SPLIT_OTHERWISE),
        cases: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_body_is_valid_and_comes_after_its_parent() {
        let topics: Vec<String> = crate::appeals::default_rules().topics.iter().map(|t| t.code.to_string()).collect();
        let petition_topics: Vec<String> =
            crate::petitions::default_rules().topics.iter().map(|t| t.code.to_string()).collect();
        let mut seen: Vec<&str> = Vec::new();
        for b in BODIES {
            let event = b.registration();
            event.validate().unwrap_or_else(|e| panic!("{}: {e}", b.id));
            event.check_new().unwrap_or_else(|e| panic!("{}: {e}", b.id));
            assert!(!seen.contains(&b.id), "{} twice", b.id);
            assert!(b.parent.is_none_or(|p| seen.contains(&p)), "{}'s parent comes first", b.id);
            for c in b.competences {
                assert!(topics.iter().chain(&petition_topics).any(|t| t == c), "{}: unknown topic {c}", b.id);
            }
            seen.push(b.id);
        }
        split().validate().expect("the split is valid");
    }
}
