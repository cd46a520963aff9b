# Дауыс — қазақша (кирилл). Терминдер: /work/shared/GLOSSARY.md

## Сайт

site-title = Дауыс
site-tagline = Ашық тізілімдегі электрондық қатысу
skip-to-content = Негізгі мазмұнға өту
nav-label = Негізгі мәзір
nav-home = Басты бет
nav-log = Тізілім
lang-switcher-label = Тіл
lang-kk = Қазақша
lang-ru = Русский
lang-en = English
footer-about = Әрбір ашық әрекет — тек толықтырылатын ашық тізілімдегі жазба. Оны кез келген адам көшіріп алып, тексере алады.
footer-machine = Бағдарламаларға арналған:
footer-checkpoint = қол қойылған соңғы бақылау нүктесі
footer-tiles = тізілімнің тайлдары (C2SP tlog-tiles)
footer-log-info = тізілімнің атауы, ашық кілті және бақылау нүктесі (JSON)
footer-openapi = JSON API сипаттамасы

## Басты бет

home-intro = Мұнда азаматтардың өтініштері, петициялар және мемлекеттік органдардың жауаптары ашық тізілімге жазылады. Тізілімді ешкім білдірмей өзгерте алмайды.
stat-entries = тізілімдегі жазбалар
stat-bodies = мемлекеттік органдар
stat-notices = хабарландырулар
home-checkpoint-heading = Соңғы бақылау нүктесі
home-checkpoint-intro = Бақылау нүктесі — тізілімнің белгілі бір өлшемдегі түбір хэші, тізілімнің кілтімен қол қойылған.
home-latest-heading = Соңғы жазбалар
home-latest-caption = Ең жаңа он жазба, жаңалары басында
home-all-entries = Барлық жазбалар
home-verify-heading = Тексеру
home-verify-text = Тізілімді толық көшіріп алып, әр жазбаны, әр дәлелді және бақылау нүктесінің қолтаңбасын өз компьютеріңізде тексеріңіз:

## Бақылау нүктесі

checkpoint-size = Ағаш өлшемі (жазбалар саны)
checkpoint-root = Түбір хэші
checkpoint-signed-at = Қол қойылған уақыты
checkpoint-origin = Тізілімнің атауы
checkpoint-note = Қол қойылған жазба (signed note)
checkpoint-none = Тізілім әлі бақылау нүктесіне қол қойған жоқ. Бетті бір сәттен кейін жаңартыңыз.

## Тізілім

log-title = Тізілім жазбалары
log-intro = Әрбір жазба — тізілімге бір рет жазылып, енді өзгермейтін ашық оқиға. Жаңалары басында.
log-range = { $total } жазбаның ішінен { $from }–{ $to } жазбалар
log-empty = Тізілім әзірге бос.
log-newer = ← Жаңалары
log-older = Ескілері →
log-pages-label = Тізілім беттері
col-index = Нөмірі
col-time = Уақыты
col-event = Оқиға
col-summary = Мазмұны
col-leaf-hash = Жапырақ хэші

## Оқиғалар

event-deployment-configured = Жүйе бапталды
event-calendar-published = Жұмыс күнтізбесі жарияланды
event-body-registered = Орган тіркелді
event-notice-published = Хабарландыру жарияланды
summary-deployment = «{ $name }», уақыт белдеуі { $offset }
summary-calendar = { $year } жыл: демалыс күндері — { $holidays }, ауыстырылған жұмыс күндері — { $transferred }
event-person-verified = Тұлға расталды
event-person-erased = Дербес деректер жойылды
event-role-granted = Рөл берілді
event-role-revoked = Рөл алынды
event-access-bases-published = Дербес деректерге қол жеткізудің құқықтық негіздері жарияланды
event-personal-data-opened = Дербес деректерге қол жеткізу
event-registry-imported = Тізілім импортталды
event-key-rotated = Кілт ауыстырылды
summary-person-verified = бүркеншік ат { $person }, { $region }, тәсілі: { $method }
summary-person-erased = бүркеншік ат { $person }
summary-role = { $role } — есептік жазба { $account }
summary-role-in-body = { $role }, { $body } — есептік жазба { $account }
summary-access-bases = құқықтық негіздер саны: { $count }
summary-opening = { $body }, қызметкер { $official }: { $purpose } (негіз: { $basis })
summary-registry = жазбалар саны: { $records }, файлдың SHA-256 хэші { $digest }
summary-key-rotated = «{ $key }» кілті, нұсқасы { $version }
method-oidc = сәйкестендіру провайдері (eGov ID)
method-registry = тізілім және бір реттік код
method-manual = әкімші, жеке өзі
role-citizen = Азамат
role-moderator = Модератор
role-official = Орган қызметкері
role-head = Орган басшысы
role-auditor = Аудитор
role-administrator = Әкімші
key-pseudonym = бүркеншік аттар
key-vault_master = қойманың бас кілті
body-kind-government = Үкімет
body-kind-ministry = Министрлік
body-kind-agency = Агенттік
body-kind-akimat = Әкімдік
body-kind-maslikhat = Мәслихат
body-kind-university = Университет
body-kind-other = Басқа ұйым

## Жазба

entry-title = № { $index } жазба
entry-fields-heading = Жазбаның өрістері
field-name = Атауы
field-utc-offset = Уақыт белдеуі
field-year = Жыл
field-holidays = Демалыс және мереке күндері
field-transferred = Жұмыс күні болып ауыстырылған сенбі мен жексенбі
field-body-id = Органның идентификаторы
field-body-kind = Органның түрі
field-parent = Жоғары тұрған орган
field-notice-id = Хабарландырудың идентификаторы
field-title = Тақырыбы
field-text = Мәтіні
field-none = жоқ
entry-bytes-heading = Канондық JSON байттары
entry-bytes-explain = Дәл осы { $length } байт — Меркл ағашының жапырағы. Бір байт өзгерсе, хэш те өзгереді.
entry-as-json = Бұл жазба JSON түрінде
entry-nav-label = Көрші жазбалар
entry-previous = ← Алдыңғы жазба
entry-next = Келесі жазба →
entry-in-log = Тізілімде көрсету

## Енгізу дәлелі

proof-heading = Енгізу дәлелі
proof-tree-size = Бақылау нүктесінің өлшемі
proof-empty = Дәлел бос: бұл бақылау нүктесінде жалғыз жазба бар, сондықтан жапырақ хэші — түбірдің өзі.
proof-steps-heading = Дәлелдің қадамдары ({ $count })
proof-sibling-left = Сол жақтағы көрші хэш:
proof-sibling-right = Оң жақтағы көрші хэш:
proof-matches = ✓ Нәтиже { $size } өлшемді қол қойылған бақылау нүктесінің түбірімен сәйкес келеді:
proof-mismatch = ✗ Нәтиже бақылау нүктесінің түбірімен сәйкес келмеді. Бұл туралы хабарлаңыз.
proof-checkpoint-heading = Дәлел апаратын бақылау нүктесі
proof-pending = Бұл жазба тізілімге енгізілді, бірақ әлі қол қойылған бақылау нүктесіне кірген жоқ. Бетті бірнеше секундтан кейін жаңартыңыз.
proof-refresh = Бетті жаңарту

## Өзіңіз тексеру

verify-heading = Мұны өзіңіз қалай тексеруге болады
verify-step-leaf = Жапырақ хэшін есептеңіз: SHA-256(0x00 || жазбаның байттары). Ол жоғарыдағы жапырақ хэшімен бірдей болуы керек.
verify-step-proof = Дәлелді жүріп өтіңіз (RFC 6962, RFC 9162 §2.1.3.2): әр қадамда ағымдағы хэшті көрші хэшпен SHA-256(0x01 || сол || оң) арқылы біріктіріңіз; қай жақта тұратынын { $index } нөмірі мен { $size } ағаш өлшемі анықтайды.
verify-step-root = Соңғы нәтижені бақылау нүктесіндегі түбір хэшпен салыстырыңыз (жазбаның үшінші жолы, base64).
verify-step-signature = Бақылау нүктесінің Ed25519 қолтаңбасын тізілімнің ашық кілтімен тексеріңіз (C2SP signed-note):
verify-tool = Немесе бүкіл тізілімді бір командамен тексеріңіз:
verify-mirror = Кез келген C2SP tlog клиенті /checkpoint және /tile/ жолдарын көшіріп, тізілімді бізге сенбей-ақ тексере алады.
verify-proof-json = Дәлел JSON түрінде
verify-checkpoint-link = Соңғы бақылау нүктесі

## Қателер беті

error-not-found-title = Бет табылмады
error-not-found-text = «{ $path }» мекенжайы бойынша бет жоқ.
error-no-entry-title = Мұндай жазба жоқ
error-no-entry = Тізілімде № { $index } жазба жоқ. Қазір тізілімдегі жазбалар саны: { $size } (нөмірлер 0-ден басталады).
error-bad-index = «{ $value }» — жазба нөмірі емес. Нөмір — 0-ден басталатын бүтін сан.
error-bad-position = «{ $value }» — тізілімдегі орын емес. Бүтін санды көрсетіңіз.
error-check-address = Мекенжайды тексеріп, қайталап көріңіз.
error-try-later = Бұл уақытша ақау. Біраздан кейін қайталап көріңіз.
error-go-home = Басты бетке оралу
error-go-log = Тізілімге өту

## Қате туралы хабарлар (API)

problem-not-found = Табылмады
problem-invalid-parameter = Параметр қате
problem-invalid-json = JSON қате
problem-invalid-event = Оқиға қате
problem-unsupported-media-type = Мазмұн түріне қолдау жоқ
problem-payload-too-large = Сұрау тым үлкен
problem-unauthorized = Рұқсат жоқ
problem-rejected = Ережелер бойынша қабылданбады
problem-busy = Сервер бос емес
problem-storage-unavailable = Деректер қоймасы қолжетімсіз
problem-shutting-down = Сервер тоқтап жатыр
problem-timeout = Сұрау уақыты бітті
problem-no-checkpoint = Бақылау нүктесі әлі жоқ
problem-not-yet-checkpointed = Жазба әлі бақылау нүктесіне кірген жоқ
problem-receipt-mismatch = Түбіртек тізілімге сәйкес келмейді
problem-invalid-tile-path = Тайл жолы қате
problem-invalid-proof-request = Дәлел сұрауы қате
problem-method-not-allowed = Әдіске рұқсат жоқ
problem-internal = Ішкі қате
problem-status-400 = Қате сұрау
problem-status-401 = Рұқсат жоқ
problem-status-404 = Табылмады
problem-status-405 = Әдіске рұқсат жоқ
problem-status-409 = Қайшылық
problem-status-413 = Сұрау тым үлкен
problem-status-415 = Мазмұн түріне қолдау жоқ
problem-status-500 = Сервердің ішкі қатесі
problem-status-503 = Қызмет уақытша қолжетімсіз

## Адамдар

nav-account = Жеке кабинет
err-title = Орындалмады
err-bad-form = Форманы оқу мүмкін болмады. Бетті жаңартып, қайталап көріңіз.
err-form-expired = Форманың мерзімі өтті немесе ол бұл сайттан жіберілмеген. Бетті жаңартып, қайталап көріңіз.
err-wrong-credentials = Электрондық пошта мекенжайы немесе құпиясөз қате.
err-locked = Тым көп әрекет жасалды. Бірнеше минут күтіп, қайталап көріңіз.
err-invalid-email = Дұрыс электрондық пошта мекенжайын енгізіңіз, мысалы name@example.kz.
err-password-too-short = Құпиясөз кемінде 10 таңбадан тұруы керек.
err-password-too-long = Құпиясөз тым ұзын (ең көбі 1024 байт).
err-iin-not-digits = ЖСН тек цифрлардан тұрады.
err-iin-length = ЖСН дәл 12 цифрдан тұрады.
err-iin-century-digit = Жеке тұлға ЖСН-інің 7-цифры 1-ден 6-ға дейін; нөмірді тексеріңіз.
err-iin-birth-date = ЖСН-нің алғашқы алты цифры туған күн емес; нөмірді тексеріңіз.
err-iin-check-digit = ЖСН-нің соңғы цифры қалғандарына сәйкес келмейді; қате жазылмағанын тексеріңіз.
err-not-signed-in = Алдымен кіріңіз.
err-missing-role = Есептік жазбаңызда бұған қажетті рөл жоқ.
err-not-in-body = Сіз бұл орган атынан әрекет етпейсіз.
err-not-verified = Бұл үшін расталған тұлға қажет.
err-invalid-field = Өріс бос, тым ұзын немесе рұқсат етілмеген таңбалары бар.
err-identity-taken = Бұл тұлға басқа есептік жазба үшін расталған. Бір адам — бір есептік жазба.
err-already-verified = Бұл есептік жазба расталған.
err-no-such-account = Мұндай идентификаторы бар есептік жазба жоқ.
err-erased = Бұл адамның деректері оның өтініші бойынша жойылған.
err-ledger-unavailable = Тізілім бұл әрекетті қазір жаза алмады; ештеңе жасалған жоқ. Сәлден соң қайталаңыз.
err-storage-unavailable = Қойма қазір қолжетімсіз; ештеңе жасалған жоқ. Сәлден соң қайталаңыз.
err-person-already-verified = Бұл тұлға расталған. Бір адам — бір есептік жазба.
err-not-official-of-body = Сіз бұл органның қызметкері де, басшысы да емессіз.
err-unknown-basis = Жарияланған құқықтық негіздердің бірін таңдаңыз.
err-no-access-bases = Құқықтық негіздер әлі жарияланған жоқ.
err-grant-exists = Есептік жазбада бұл рөл бар.
err-unknown-body = Мұндай орган тіркелмеген.
err-body-required = Қызметкерлер мен басшылар орган атынан әрекет етеді: органды таңдаңыз.
err-body-not-allowed = Бұл рөл органға жатпайды: орган өрісін бос қалдырыңыз.
err-not-administrator = Мұны тек әкімші жасай алады.
signup-title = Есептік жазба ашу
signup-button = Ашу
signup-have-account = Есептік жазбаңыз бар ма?
signup-done = Бұл мекенжай бұрын тіркелмеген болса, есептік жазбаңыз дайын. Кіріңіз.
login-title = Кіру
login-button = Кіру
login-no-account = Есептік жазбаңыз әлі жоқ па?
field-email = Электрондық пошта мекенжайы
field-password = Құпиясөз
password-hint = Кемінде 10 таңба. Бірнеше сөзден тұратын сөйлемді есте сақтау оңай, табу қиын.
me-title = Жеке кабинет
field-account-id = Есептік жазба идентификаторы
field-phone = Телефон
field-status = Тұлға
status-verified = Расталған
status-not-verified = Әлі расталмаған
status-erased = Жойылған
field-birth-date = Туған күні
field-locality = Тұрғылықты жері
field-verified-by = Растау тәсілі
see-on-log = тізілімнен қарау
field-roles = Рөлдер
me-how-to-verify = Петицияларға қол қою және өтініш беру үшін тұлғаңызды растаңыз: eGov ID арқылы, тізілімнен келген кодпен немесе әкімшіге жеке барып (жеке куәлігіңізді көрсетіп, есептік жазба идентификаторын айтыңыз).
access-title = Деректерімді кім қарады
me-download = Барлық деректерімді жүктеп алу (JSON)
admin-people-title = Адамдар мен рөлдер
office-title = Қызметкердің жұмыс орны
me-contacts = Байланыс деректері
save-button = Сақтау
me-sessions = Сеанстар
logout-button = Шығу
logout-everywhere-button = Барлық құрылғылардан шығу
erase-title = Дербес деректерімді жою
erase-explained = Жою деректеріңізді шифрлайтын кілтті құртады — оларды енді ешкім оқи алмайды — және барлық сеанстарды аяқтайды. Ашық тізілімдегі жазбалар қалады, бірақ оларда ешқашан атыңыз бен ЖСН-іңіз болған жоқ — тек бүркеншік ат. Заң кейбір жазбаларды (мысалы, қаралып жатқан өтініштерді) сақтауды талап етуі мүмкін; олар заң талап ететін мерзімге ғана сақталады.
erase-confirm = Мұны болдырмау мүмкін емес екенін түсінемін.
erase-button = Деректерімді жою
erase-done-title = Деректеріңіз жойылды
erase-done = Дербес деректеріңізді енді ешкім оқи алмайды, сіз жүйеден шықтыңыз.
access-lead = Қызметкер дербес деректеріңізді ашқан сайын мақсаты мен құқықтық негізін көрсетуге міндетті, ал қол жеткізу ашық тізілімге жазылады. Бұл бетте сол жағдайлар тізілген.
access-none = Дербес деректеріңізді ешкім ашқан жоқ.
access-caption = Дербес деректеріңізге қол жеткізу, алдымен жаңалары
col-body = Орган
col-official = Қызметкер
col-purpose = Мақсаты және іс
col-basis = Құқықтық негіз
col-check = Тексеру
access-verify = Өзіңіз қалай тексересіз
access-verify-how = Тізілімде сіз емес, міндеттеме жазылған: «dauys/data-opening/v1», нөл байт, P, нөл байт және nonce (байт түрінде) тізбегінің SHA-256 хэші. Оны есептеп, жазбаның subject өрісімен салыстырыңыз.
access-restricted-note = Қылмыстық тергеу аясындағы қол жеткізу тізілімге бірден жазылады, бірақ мұнда заңда белгіленген мерзім өткен соң ғана көрсетіледі.
admin-people-caption = Есептік жазбалар (тек идентификаторлар; дербес деректер себебі көрсетілгенде ғана ашылады)
col-actions = Әрекеттер
admin-verify = Тұлғаны растау
next-page = Келесі бет
admin-grant-title = Рөл беру
field-role = Рөл
field-body = Орган
admin-body-hint = Қызметкерлер мен басшылар орган атынан әрекет етеді; басқа рөлдер үшін бос қалдырыңыз.
admin-grant-button = Рөл беру
admin-verify-title = Тұлғаны жеке келгенде растау
admin-verify-lead = Сіз жеке басты куәландыратын құжатты көрдіңіз. Есептік жазба:
field-iin = ЖСН
field-given-name = Аты
field-family-name = Тегі
field-region = Өңір
field-district = Аудан немесе қала (міндетті емес)
district-hint = Латын әріптері, цифрлар және сызықшалар, мысалы kokshetau.
admin-verify-button = Растау
office-lead = Адамның деректерін тек жұмысыңызға қажет болғанда ашыңыз. Себебін көрсетесіз, ал адам оны көреді.
office-find = Жалғастыру
open-title = Дербес деректерді ашу
open-lead = Мақсатты, құқықтық негізді және істі көрсетіңіз. Қол жеткізу деректер көрсетілмей тұрып ашық тізілімге жазылады, ал адам оны «Деректерімді кім қарады» бетінен көреді.
field-basis = Құқықтық негіз
field-purpose = Мақсаты
field-case = Іс нөмірі
open-logged-warning = Түймені басқанда бұл қол жеткізу ашық тізілімге жазылады.
open-button = Жазу және ашу
opened-title = Дербес деректер
opened-logged = Бұл қол жеткізу тізілімге жазылды.
verify-title = Тұлғамды растау
verify-oidc-title = eGov ID арқылы
verify-oidc-lead = Сіз сәйкестендіру провайдеріне кіресіз; ол Dauys-қа ЖСН-іңізді, атыңызды, туған күніңізді және тұрғылықты жеріңізді хабарлайды. Ашық тізілімге тек бүркеншік ат пен тұрғылықты жер жазылады.
verify-oidc-button = eGov ID арқылы растау
verify-in-person-title = Жеке өзі
err-oidc-failed = Сәйкестендіру провайдері тұлғаңызды растамады. Қайталап көріңіз.
err-oidc-state-unknown = Провайдерге кіру мұнда басталмаған немесе тым ұзаққа созылды. Қайта бастаңыз.
err-oidc-disabled = Бұл сайтта сәйкестендіру провайдері арқылы растау бапталмаған.
registry-title = Тізілімді импорттау
registry-lead = Санақ немесе тізілім файлын қойыңыз (CSV, UTF-8, төмендегі тақырып жолымен). Барлық жол дұрыс болуы керек, әйтпесе ештеңе импортталмайды. Әр жазба шифрланады; тізілімге тек жазбалар саны мен файлдың SHA-256 хэші жазылады.
registry-csv = Тізілім файлы (CSV)
registry-import-button = Импорттау
registry-refused = Ештеңе импортталмады: осы жолдарды түзетіп, қайталаңыз.
registry-line = жол
registry-imported = Импортталған жазбалар:
verify-registry-title = Тізілімнен келген кодпен
verify-registry-lead = Мұнда импортталған тізілімде болсаңыз, онда көрсетілген электрондық пошта мекенжайына бір реттік код жібереміз.
verify-registry-send = Код жіберу
verify-registry-sent = Бұл ЖСН тізілімде болса, код тізілімде көрсетілген электрондық пошта мекенжайына жіберілді. Код 15 минут жарамды.
verify-registry-redeem = Растау
field-code = Бір реттік код
err-wrong-code = Код қате, мерзімі өткен немесе пайдаланылған. Жаңасын сұраңыз.
mail-registry-code-subject = Dauys растау кодыңыз
mail-registry-code-body = Dauys-та тұлғаңызды растауға арналған бір реттік кодыңыз: { $code }. Ол 15 минут жарамды. Егер сіз сұрамаған болсаңыз, бұл хатқа мән бермеңіз.
err-erase-unconfirmed = Жоюды болдырмау мүмкін емес екенін түсінетініңізді растау үшін белгіні қойыңыз.
admin-staff-title = Қызметкерлер және олардың рөлдері
admin-staff-caption = Азаматтан басқа рөлі бар есептік жазбалар (тізілімде ашық)
admin-revoke-button = Алу
bodies-title = Мемлекеттік органдар
bodies-caption = Тіркелген органдар
bodies-register-title = Органды тіркеу
bodies-register-button = Тіркеу
audit-title = Дербес деректерге қол жеткізу
audit-lead = Тізілімге жазылған дербес деректерге қол жеткізудің барлық жағдайлары. Субъект — оны тек адамның өзі аша алатын міндеттеме; орган, қызметкер, мақсат және негіз ашық.
audit-caption = Барлық жағдайлар, алдымен жаңалары
audit-disclosed-from = Адамға көрсетіледі
verify-registry-have-code = Менде код бар
err-oidc-refused = Сәйкестендіру провайдері тұлғаңызды растамады (кіруден бас тартқан шығарсыз немесе мерзімі өтті). Қайталап көріңіз.
