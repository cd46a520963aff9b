# Азаматтарға арналған петиция беттері (crates/server/src/petitions/pages.rs). Барлық
# идентификатор `pp-` деп басталады; деңгей атаулары ғана бөлек (`petitions::level_label`).

pp-nav = Петициялар

## Деңгей атаулары
level-government = Үкімет және орталық органдар
level-oblast-akimat = Облыс (қала) әкімдігі
level-oblast-maslikhat = Облыс (қала) мәслихаты
level-district-akimat = Аудан немесе қала әкімдігі
level-district-maslikhat = Аудан немесе қала мәслихаты

## Мәртебелер мен кодтар
pp-status-draft = Жоба
pp-status-gathering = Алғашқы жақтастар жиналуда
pp-status-moderation = Модерацияда
pp-status-open = Қол қоюға ашық
pp-status-closed = Жабық
pp-status-rejected = Қабылданбады
pp-status-withdrawn = Кері қайтарылды
pp-status-expired = Мерзімі өтті
pp-obligation-awaiting = Жауап күтілуде
pp-obligation-answered = Жауап берілді
pp-obligation-overdue = Мерзімі өтіп кетті
pp-filter-answer = Органның жауабы
pp-headline-answered = { $date } жауап берілді
pp-headline-awaiting = { $days ->
    [0] Жауап күтілуде: мерзімі бүгін, { $date }
   *[other] Жауап күтілуде: { $date } дейін, { $days } жұмыс күні қалды
}
pp-headline-overdue = Мерзімі { $days } күнге өткен: жауап { $date } дейін берілуі тиіс еді
pp-decision-supported = Қолдау тапты
pp-decision-partially-supported = Ішінара қолдау тапты
pp-decision-not-supported = Қолдау таппады
pp-reason-forbidden-topic = Петиция тыйым салынған тақырыпқа арналған
pp-reason-duplicate = Дәл осындай талап басқа петицияда қойылған
pp-reason-not-within-competence = Мәселе органның құзыретіне кірмейді
pp-reason-offensive = Қорлау, әдепсіздік, зорлық-зомбылыққа не кемсітуге шақыру
pp-reason-unclear = Орган жауап бере алатын анық талап жоқ
pp-sort-newest = Алдымен жаңалары
pp-sort-most-signed = Алдымен ең көп қол қойылғандары
pp-sort-closing-soon = Алдымен жақында жабылатындары

## Тізім
pp-list-title = Петициялар
pp-list-lead = Мемлекеттік органдарға арналған петициялар. Петиция қол қою шегіне жеткенде орган белгіленген мерзімге дейін жария жауап беруге міндетті — әр қадам ашық тізілімге жазылады.
pp-start = Петиция бастау
pp-search-label = Петицияларды іздеу
pp-filter-q = Іздейтін сөздер
pp-filter-q-hint = Тақырыптан немесе мәтіннен, кез келген тілде. Әр сөз петициядағы бір сөздің басымен сәйкес келуі керек.
pp-filter-status = Мәртебесі
pp-filter-level = Деңгейі
pp-filter-body = Орган
pp-filter-region = Өңір
pp-filter-topic = Тақырып
pp-filter-sort = Реті
pp-filter-page = Бет
pp-filter-any = Кез келген
pp-search = Іздеу
pp-list-invalid = Іздеудің кейбір параметрлері дұрыс емес. Оларды түзетіңіз немесе іздеуді тазалаңыз:
pp-list-invalid-value = { $field }: «{ $value }» — мұндай нұсқа жоқ.
pp-list-clear = Іздеу мен сүзгілерді тазалау
pp-results = Нәтижелер
pp-results-count = { $count } петиция табылды, { $pages } беттің { $page }-беті.
pp-results-none = Бірде-бір петиция сәйкес келмеді. Азырақ немесе қысқарақ сөз жазып көріңіз не кейбір сүзгілерді алып тастаңыз.
pp-results-none-yet = Әзірге жария петиция жоқ. Петицияны модераторлар қабылдағанда ол жария болады.
pp-pages-label = Нәтиже беттері
pp-page-previous = Алдыңғы бет
pp-page-next = Келесі бет
pp-page-of = { $pages } беттің { $page }-беті
pp-progress = { $threshold } қолдың { $count } қолы жиналды ({ $percent }%)

## Мерзімдер
pp-deadline-draft = Жоба: автор оны әлі іске қоспаған.
pp-deadline-gathering = { $date } дейін тағы { $need } жақтас керек ({ $days } күн қалды).
pp-deadline-gathering-ended = Алғашқы жақтастарды жинау мерзімі аяқталды.
pp-deadline-moderation = Модераторлар { $date } дейін шешім қабылдайды.
pp-deadline-open = Қол { $date } дейін қабылданады ({ $days } күн қалды).
pp-deadline-open-ended = Қол жинау мерзімі аяқталды.
pp-deadline-closed = Қол жинау { $date } жабылды.

## Петиция беті
pp-not-found-title = Петиция табылмады
pp-not-found-text = «{ $id }» петициясы жоқ. Сілтемені тексеріңіз немесе петицияны тізімнен табыңыз.
pp-back-to-list = Барлық петициялар
pp-back-to-petition = Петицияға оралу
pp-also-in = Мына тілде де жазылған:
pp-draft-note = Бұл — жоба. Ол еш жерде көрсетілмейді; оны тек сілтемесі барлар көре алады.
pp-link-only = Бұл петицияға тек сілтеме арқылы кіруге болады: алғашқы жақтастарын жинап, модераторлар қабылдамайынша ол тізімде көрінбейді.
pp-field-status = Мәртебесі
pp-field-author = Авторы
pp-by-verified-citizen = жеке басы расталған азамат
pp-field-body = Орган
pp-field-level = Деңгейі
pp-field-topic = Тақырыбы
pp-field-territory = Аумағы
pp-whole-country = Бүкіл ел
pp-field-drafted = Жазылған уақыты
pp-progress-heading = Қолдар
pp-invalidated-count = Модераторлар { $count } қолды жарамсыз деп тапты, олар есептелмейді.
pp-threshold-reached = Шекке жетті:
pp-text-heading = Петиция мәтіні
pp-obligation-heading = Органның міндеттемесі
pp-obligation-lead = Петиция қол қою шегіне жетті, сондықтан { $body } оны қарап, мерзімінде жауап жариялауға міндетті.
pp-field-obligation-status = Мәртебесі
pp-field-opened = Ашылған уақыты
pp-field-due = Жауап беру мерзімі
pp-field-overdue-since = Мерзімі өткен уақыт
pp-answer-heading = Жауап
pp-field-decision = Шешім
pp-field-answered = Жауап берілген уақыт
pp-field-answered-by = Жауап берген
pp-answered-by = «{ $body }» органының қызметкері, есептік жазба
pp-answer-text = Жауап
pp-answer-discussion = Жария талқылау хаттамасы
pp-answer-head = Орган басшысының мәлімдемесі
pp-log-entry = тізілім жазбасы № { $index }
pp-rejection-heading = Модераторлар неге қабылдамады
pp-field-reason = Себебі
pp-field-forbidden-topic = Тыйым салынған тақырып
pp-field-duplicate-of = Мына петицияны қайталайды
pp-field-comment = Модератордың түсіндірмесі
pp-withdrawal-heading = Автор кері қайтарды
pp-withdrawal-lead = Автор петицияны мына себеппен кері қайтарды:
pp-chart-heading = Қолдардың уақыт бойынша өсуі
pp-chart-title = Күн сайынғы қолдар
pp-chart-desc = { $from } – { $to }: { $days } күнде { $total } қол; ең көп қол ({ $most }) { $busiest } күні қойылды.
pp-chart-empty = Әзірге қол жоқ.
pp-chart-as-table = Осы сандар кесте түрінде
pp-col-day = Күн
pp-col-signatures = Қолдар
pp-col-total = Осы күнге дейін барлығы
pp-regions-heading = Өңірлер бойынша қолдар
pp-map-title = Өңірлер бойынша қолдар картасы
pp-regions-caption = Өңірлер бойынша қолдар, көбінен азына қарай
pp-col-region = Өңір
pp-recent-heading = Соңғы қолдар
pp-recent-none = Көрсететін соңғы қолдар жоқ.
pp-history-heading = Тарихы
pp-history-caption = Осы петицияның әр қадамы және оның тізілімдегі жазбасы
pp-col-status = Мәртебесі
pp-col-event = Қадам
pp-col-time = Уақыты
pp-col-entry = Тізілім жазбасы
pp-data-heading = Ашық деректер
pp-data-lead = Бұл беттегі барлық мәлімет тізілімде жазылған және оны жүктеп алуға болады.
pp-data-json = Бұл петиция JSON пішімінде

## Қол қою
pp-sign-heading = Қол қою
pp-sign-territory = Бұл петицияға тек мына аумақтың тұрғындары қол қоя алады: { $territory }.
pp-sign-anyone = Бұл петицияға жеке басы расталған, 18 жасқа толған кез келген азамат қол қоя алады.
pp-sign-hint = Қолыңыз тізілімге тек осы петицияға арналған бүркеншік атпен жазылады. Тек атыңыз бен тегіңіздің бас әрпі көрсетіледі.
pp-sign-button = Петицияға қол қою
pp-sign-in-to-sign = Қол қою үшін кіріңіз
pp-verify-to-sign = Қол қою үшін алдымен жеке басыңызды растаңыз.
pp-verify-link = Жеке басты растау
pp-sign-closed = Қазір бұл петиция қол қабылдамайды.
pp-you-signed = Сіз бұл петицияға қол қойдыңыз:
pp-see-receipt = Түбіртекті көру
pp-your-signature-invalidated = Модераторлар қолыңызды жарамсыз деп тапты; себебі түбіртекте жазылған.

## Автордың әрекеттері
pp-author-heading = Сіздің петицияңыз
pp-edit = Жобаны өзгерту
pp-launch = Петицияны іске қосу
pp-launch-hint = Іске қосқанда петицияға сіздің атыңыздан қол қойылады және бөлісуге сілтеме беріледі: { $days } жұмыс күні ішінде { $need } жақтас (өзіңізді қоса) керек, содан кейін оны модераторлар қарайды.
pp-share-link = Бөлісуге арналған сілтеме
pp-withdraw-reason = Петицияны неге кері қайтарасыз?
pp-withdraw-hint = Себебі петициямен бірге жарияланады. Шекке жеткен петицияны кері қайтаруға болмайды.
pp-withdraw = Петицияны кері қайтару
pp-withdraw-reason-needed = Кері қайтару себебін жазыңыз ({ $max } таңбадан аспасын).
pp-author-nothing = Қазір ештеңе істеудің қажеті жоқ: петицияны енді өзгертуге де, кері қайтаруға да болмайды.
pp-done-drafted = Жоба сақталды. Оны тексеріп, дайын болғанда іске қосыңыз.
pp-done-launched = Петицияңыз іске қосылды.
pp-done-withdrawn = Петиция кері қайтарылды.

## Жоба пішіні
pp-new-title = Петиция бастау
pp-edit-title = Жобаны өзгерту
pp-new-lead = Органды таңдап, не сұрайтыныңызды жазыңыз. Қазақ, орыс немесе ағылшын тілінде — кемінде біреуінде жазыңыз; оқырман петицияны өз тілінде жазылған болса, сол тілде көреді.
pp-form-problems = Жоба сақталмады. Мыналарды түзетіңіз:
pp-form-choose = Таңдаңыз…
pp-form-level-hint = Жергілікті петициялар расталған мекенжайыңыздағы аумаққа арналады: { $home }. Оларға тек сол жердің тұрғындары қол қоя алады.
pp-form-texts-hint = Тақырып пен мәтінді кемінде бір тілде жазыңыз.
pp-field-title = Тақырыбы
pp-field-text = Мәтіні
pp-save-draft = Жобаны сақтау
pp-form-choose-body = Петиция жолданатын органды таңдаңыз.
pp-form-choose-level = Петицияның деңгейін таңдаңыз.
pp-form-level-body = Бұл органға бұл деңгейде жүгінуге болмайды: Үкімет деңгейі Үкіметке, министрліктер мен агенттіктерге арналған; әкімдіктер мен мәслихаттарға облыс не аудан деңгейінде жүгінеді.
pp-form-no-district = Расталған мекенжайыңызда аудан немесе қала көрсетілмеген, сондықтан аудан деңгейіндегі петиция бастай алмайсыз. Облыс деңгейін таңдаңыз.
pp-form-choose-topic = Тақырыпты таңдаңыз.
pp-form-title-missing = Бұл тілде тақырыпты да жазыңыз немесе мәтінді бос қалдырыңыз.
pp-form-text-missing = Бұл тілде мәтінді де жазыңыз немесе тақырыпты бос қалдырыңыз.
pp-form-too-long = Тым ұзын: { $max } таңбадан аспауы керек.
pp-form-one-language = Тақырып пен мәтінді кемінде бір тілде жазыңыз.
pp-edit-not-draft = Тек жобаны өзгертуге болады, ал бұл петиция іске қосылған.
pp-verify-to-start = Петиция бастау үшін алдымен жеке басыңызды растаңыз.

## Менің петицияларым
pp-mine-title = Менің петицияларым
pp-mine-empty = Сіз әлі бірде-бір петиция жазған жоқсыз.
pp-mine-caption = Сіз жазған петициялар, алдымен жаңалары
pp-col-petition = Петиция
pp-col-next = Келесі қадам
pp-next-draft = Жобаны тексеріп, іске қосыңыз.
pp-next-threshold = Шекке жетті; орган жауап беруге міндетті.
pp-next-answered = Орган жауап берді.
pp-next-awaiting = Орган { $date } дейін жауап беруге міндетті.
pp-next-closed = Қол жинау аяқталды.
pp-next-rejected = Қабылданбады: себебі петиция бетінде.
pp-next-none = Басқа ештеңе істеудің қажеті жоқ.

## Түбіртек
pp-receipt-title = Қолыңыздың түбіртегі
pp-receipt-lead = Қолыңыз — ашық тізілімдегі жазба. Кез келген адам оның сонда екенін және есептелгенін сіздің кім екеніңізді білмей-ақ тексере алады.
pp-receipt-none = Сіз бұл петицияға қол қоймағансыз.
pp-field-petition = Петиция
pp-field-shown-as = Көрсетілетін аты
pp-field-region = Өңір
pp-field-signed-at = Қол қойылған уақыт
pp-field-log-index = Тізілім жазбасы
pp-field-leaf-hash = Жапырақ хэші
pp-field-pseudonym = Осы петициядағы бүркеншік атыңыз
pp-field-counted = Есептелді ме
pp-counted-yes = Иә, қол есептелді.
pp-counted-no = Жоқ.
pp-invalidated-because = Модераторлар оны жарамсыз деп тапты: { $reason }.
pp-proof-heading = Қолдың тізілімде екенінің дәлелі
pp-proof-verified = Тексерілді
pp-proof-verified-text = Сервер { $index } жазбасының енгізу дәлелін ({ $hashes } хэш) алып, оның { $size } жазбадан тұратын қол қойылған бақылау нүктесінің түбіріне апаратынын тексерді.
pp-field-checkpoint-size = Бақылау нүктесінің өлшемі
pp-field-checkpoint-root = Бақылау нүктесінің түбірі
pp-proof-checkpoint-note = Қол қойылған бақылау нүктесі
pp-proof-pending = Қолыңыз жазылды; келесі қол қойылған бақылау нүктесі оны бір секунд ішінде қамтиды. Дәлелді көру үшін бетті жаңартыңыз.
pp-reload = Жаңарту
pp-proof-failed = Дәлел тексеруден өтпеді. Бұл туралы хабарлаңыз: тізілім өзгертілген болуы мүмкін.
pp-check-heading = Өзіңіз тексеріңіз
pp-check-step-entry = { $index } жазбасының нақты байттарын алыңыз (олар жазба бетінде көрсетілген) да, жапырақ хэшін есептеңіз: нөлдік байт пен осы байттардың SHA-256 хэші. Ол жоғарыдағы жапырақ хэшімен бірдей болуы керек.
pp-check-step-proof = Осы нөмір мен хэшке арналған енгізу дәлелін жүктеп алып, хэштерді түбірге дейін біріктіріңіз (RFC 9162):
pp-check-step-checkpoint = Түбірді қол қойылған бақылау нүктесімен салыстырыңыз:
pp-check-step-key = Бақылау нүктесінің қолтаңбасын тізілімнің ашық кілтімен тексеріңіз:
pp-check-tool = Немесе барлық қадамды аудиторға тапсырыңыз — кез келген компьютерден:
pp-check-walkthrough = Дәлел қадам-қадаммен

## Қателер
pp-err-title = Орындалмады
pp-err-other = Әрекет орындалмады (коды { $code }). Бетті жаңартып, қайталап көріңіз.
pp-err-petition-not-found = Мұндай петиция жоқ.
pp-err-unknown-petition = Мұндай петиция жоқ.
pp-err-not-verified = Мұны тек жеке басы расталған адам істей алады. Алдымен жеке басыңызды растаңыз.
pp-err-underage = Петицияға қол қою және петиция бастау 18 жастан бастап рұқсат етіледі.
pp-err-outside-territory = Бұл петиция «{ $territory }» аумағына арналған: оған тек сол жердің тұрғындары қол қоя алады.
pp-err-already-signed = Сіз бұл петицияға қол қойып қойғансыз: бір адам — бір қол.
pp-err-rate-limited = Соңғы минутта сізден немесе желіңізден тым көп қол келді. Бір минут күтіп, қайталап көріңіз.
pp-err-not-signed-in = Алдымен кіріңіз.
pp-err-missing-role = Есептік жазбаңызға бұған рұқсат жоқ.
pp-err-not-in-body = Есептік жазбаңыз бұл органға жатпайды.
pp-err-window-ended = Бұл петицияға қол қою мерзімі аяқталды.
pp-err-petition-status = Петицияның мәртебесі енді бұған мүмкіндік бермейді. Оның қазір қай кезеңде екенін көру үшін бетті жаңартыңыз.
pp-err-not-author = Мұны тек петицияның авторы істей алады.
pp-err-threshold-reached = Петиция шекке жетті, сондықтан оны енді кері қайтаруға болмайды.
pp-err-busy = Тізілім бос емес. Сәл күтіп, қайталап көріңіз.
pp-err-ledger-unavailable = Тізілім қазір мұны жаза алмайды. Бір минуттан кейін қайталаңыз.
pp-err-storage-unavailable = Қойма қазір қолжетімсіз. Бір минуттан кейін қайталаңыз.
pp-err-internal = Серверде ақау болды. Бір минуттан кейін қайталаңыз.
pp-err-erased = Бұл есептік жазбаның дербес деректері өшірілген.
pp-err-unknown-body = Мұндай орган тіркелмеген.
pp-err-body-not-at-level = Бұл органға бұл деңгейде жүгінуге болмайды.
pp-err-unknown-topic = Мұндай тақырып петиция ережелерінде жоқ.
pp-err-level-not-petitionable = Ережелер бұл деңгейде петицияға рұқсат бермейді.
pp-err-no-petition-rules = Петиция ережелері әлі жарияланбаған, сондықтан петиция бастауға болмайды.
pp-err-no-population-figure = Ережелерде аумағыңыздың халық саны жоқ, сондықтан шекті анықтау мүмкін емес. Басқа деңгейді таңдаңыз.
pp-err-text-too-long = Мәтін тым ұзын.
pp-err-field-too-long = Мәтін тым ұзын.
pp-err-control-character = Мәтінде рұқсат етілмеген таңбалар бар.
pp-err-invisible-text = Бұл мәтінде ештеңе көрінбейді: онда тек бос орындар немесе көрінбейтін таңбалар бар. Мәтінді әріптермен жазыңыз.
pp-err-bidi-control = Мәтінде айналасындағы мәтіннің бағытын өзгертетін көрінбейтін таңба бар. Оны өшіріңіз — мәтінді көшіріп қойсаңыз, оны қайта теріңіз.
pp-err-empty-field = Тақырып пен мәтінді кемінде бір тілде жазыңыз.
pp-err-blank-translation = Тақырып немесе мәтін бос.
pp-err-territory-shape = Аумақ деңгейге сәйкес келмейді.

pp-addressed-to = Кімге: { $body }
pp-about-heading = Петиция туралы
pp-regions-empty = Әзірге қолтаңба жоқ, сондықтан карта жоқ.
pp-data-feed = Петиция жаңалықтары (Atom арнасы)
pp-share-heading = Бөлісу және бақылау
pp-share-copy = Көшіру
pp-share-copied = Көшірілді
pp-share-email = Эл. пошта
pp-follow-feed = Жаңалықтарды бақылау (арна)
pp-done-launched-share = Төмендегі сілтемені алғашқы қолдаушылармен бөлісіңіз.
pp-withdraw-confirm = Біржола кері қайтарып алу
pp-progress-gathering = Алғашқы қолдаушылар: { $count } / { $threshold } ({ $percent }%)
