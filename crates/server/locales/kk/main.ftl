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
