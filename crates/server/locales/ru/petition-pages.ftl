# Страницы петиций для граждан (crates/server/src/petitions/pages.rs). Все идентификаторы
# начинаются с `pp-`, кроме названий уровней, которые ищет `petitions::level_label`.

pp-nav = Петиции

## Названия уровней
level-government = Правительство и центральные органы
level-oblast-akimat = Акимат области (города)
level-oblast-maslikhat = Маслихат области (города)
level-district-akimat = Акимат района или города
level-district-maslikhat = Маслихат района или города

## Статусы и коды
pp-status-draft = Черновик
pp-status-gathering = Сбор первых сторонников
pp-status-moderation = На модерации
pp-status-open = Открыта для подписей
pp-status-closed = Закрыта
pp-status-rejected = Отклонена
pp-status-withdrawn = Отозвана
pp-status-expired = Не набрала первых сторонников
pp-obligation-awaiting = Ожидается ответ
pp-obligation-answered = Ответ дан
pp-obligation-overdue = Просрочено
pp-filter-answer = Ответ органа
pp-headline-answered = Ответ дан { $date }
pp-headline-awaiting = { $days ->
    [0] Ожидается ответ: срок сегодня, { $date }
    [one] Ожидается ответ: срок { $date }, остался { $days } рабочий день
    [few] Ожидается ответ: срок { $date }, осталось { $days } рабочих дня
   *[other] Ожидается ответ: срок { $date }, осталось { $days } рабочих дней
}
pp-headline-overdue = { $days ->
    [one] Просрочено на { $days } день: ответ был нужен к { $date }
    [few] Просрочено на { $days } дня: ответ был нужен к { $date }
   *[other] Просрочено на { $days } дней: ответ был нужен к { $date }
}
pp-decision-supported = Поддержано
pp-decision-partially-supported = Поддержано частично
pp-decision-not-supported = Не поддержано
pp-reason-forbidden-topic = Петиция касается запрещённой темы
pp-reason-duplicate = Такое же требование уже выдвинуто в другой петиции
pp-reason-not-within-competence = Вопрос не входит в компетенцию органа
pp-reason-offensive = Оскорбления, непристойности, призывы к насилию или дискриминации
pp-reason-unclear = Нет ясного требования, на которое орган мог бы ответить
pp-sort-newest = Сначала новые
pp-sort-most-signed = Сначала с наибольшим числом подписей
pp-sort-closing-soon = Сначала те, что скоро закроются

## Список
pp-list-title = Петиции
pp-list-lead = Петиции к государственным органам. Когда петиция набирает порог подписей, орган обязан публично ответить к установленному сроку — каждый шаг записан в открытом реестре.
pp-start = Создать петицию
pp-search-label = Поиск петиций
pp-filter-q = Слова для поиска
pp-filter-q-hint = В заголовке или тексте, на любом языке. Каждое слово должно совпадать с началом слова в петиции.
pp-filter-status = Статус
pp-filter-level = Уровень
pp-filter-body = Орган
pp-filter-region = Регион
pp-filter-topic = Тема
pp-filter-sort = Порядок
pp-filter-page = Страница
pp-filter-any = Любой
pp-search = Найти
pp-list-invalid = Некоторые параметры поиска неверны. Исправьте их или сбросьте поиск:
pp-list-invalid-value = { $field }: «{ $value }» — нет такого варианта.
pp-list-clear = Сбросить поиск и фильтры
pp-results = Результаты
pp-results-count = { $count ->
    [one] Найдена { $count } петиция
    [few] Найдено { $count } петиции
   *[other] Найдено { $count } петиций
}, страница { $page } из { $pages }.
pp-results-none = Ни одна петиция не подходит. Попробуйте меньше слов или более короткие слова либо сбросьте часть фильтров.
pp-results-none-yet = Публичных петиций пока нет. Петиция становится публичной, когда её принимают модераторы.
pp-pages-label = Страницы результатов
pp-page-previous = Предыдущая страница
pp-page-next = Следующая страница
pp-page-of = Страница { $page } из { $pages }
pp-progress = { $count } из { $threshold } подписей ({ $percent }%)

## Сроки
pp-deadline-draft = Черновик: автор ещё не запустил петицию.
pp-deadline-gathering = Нужно ещё { $need } { $need ->
    [one] сторонник
    [few] сторонника
   *[other] сторонников
} до { $date } ({ $days ->
    [one] остался { $days } день
    [few] осталось { $days } дня
   *[other] осталось { $days } дней
}).
pp-deadline-gathering-ended = Срок сбора первых сторонников истёк.
pp-deadline-moderation = Модераторы примут решение до { $date }.
pp-deadline-open = Подписи принимаются до { $date } ({ $days ->
    [one] остался { $days } день
    [few] осталось { $days } дня
   *[other] осталось { $days } дней
}).
pp-deadline-open-ended = Срок сбора подписей истёк.
pp-deadline-closed = Сбор подписей закрыт { $date }.

## Страница петиции
pp-not-found-title = Петиция не найдена
pp-not-found-text = Петиции «{ $id }» нет. Проверьте ссылку или найдите петицию в списке.
pp-back-to-list = Все петиции
pp-back-to-petition = Вернуться к петиции
pp-also-in = Также написано:
pp-draft-note = Это черновик. Его нет в списке петиций, но его название и текст уже записаны в открытый реестр, где их может прочитать любой, и останутся там, даже если вы его не запустите.
pp-link-only = Эта петиция доступна только по ссылке: она не появится в списке, пока не наберёт первых сторонников и её не примут модераторы.
pp-field-status = Статус
pp-field-author = Автор
pp-by-verified-citizen = проверенный гражданин
pp-field-body = Орган
pp-field-level = Уровень
pp-field-topic = Тема
pp-field-territory = Территория
pp-whole-country = Вся страна
pp-field-drafted = Написана
pp-progress-heading = Подписи
pp-invalidated-count = { $count ->
    [one] { $count } подпись признана модераторами недействительной и не учитывается.
    [few] { $count } подписи признаны модераторами недействительными и не учитываются.
   *[other] { $count } подписей признаны модераторами недействительными и не учитываются.
}
pp-threshold-reached = Порог достигнут:
pp-text-heading = Текст петиции
pp-obligation-heading = Обязательство органа
pp-obligation-lead = Петиция набрала порог подписей, поэтому { $body } обязан рассмотреть её и опубликовать ответ к сроку.
pp-field-obligation-status = Статус
pp-field-opened = Открыто
pp-field-due = Ответить до
pp-field-overdue-since = Просрочено с
pp-answer-heading = Ответ
pp-field-decision = Решение
pp-field-answered = Дан ответ
pp-field-answered-by = Ответил
pp-answered-by = сотрудник органа «{ $body }», учётная запись
pp-answer-text = Ответ
pp-answer-discussion = Протокол публичного обсуждения
pp-answer-head = Заявление руководителя органа
pp-log-entry = запись реестра № { $index }
pp-rejection-heading = Почему модераторы отклонили петицию
pp-field-reason = Причина
pp-field-forbidden-topic = Запрещённая тема
pp-field-duplicate-of = Повторяет петицию
pp-field-comment = Комментарий модератора
pp-withdrawal-heading = Отозвана автором
pp-withdrawal-lead = Автор отозвал петицию по такой причине:
pp-chart-heading = Подписи по времени
pp-chart-title = Подписи по дням
pp-chart-desc = С { $from } по { $to }: подписей — { $total }, дней — { $days }; больше всего подписей ({ $most }) — { $busiest }.
pp-chart-empty = Подписей пока нет.
pp-chart-as-table = Те же числа таблицей
pp-col-day = День
pp-col-signatures = Подписи
pp-col-total = Всего к этому дню
pp-regions-heading = Подписи по регионам
pp-map-title = Карта подписей по регионам
pp-regions-caption = Подписи по регионам, по убыванию
pp-col-region = Регион
pp-recent-heading = Последние подписи
pp-recent-none = Последних подписей для показа нет.
pp-history-heading = История
pp-history-caption = Каждый шаг этой петиции и его запись в реестре
pp-col-status = Статус
pp-col-event = Шаг
pp-col-time = Время
pp-col-entry = Запись реестра
pp-data-heading = Открытые данные
pp-data-lead = Всё, что есть на этой странице, записано в реестре и доступно для скачивания.
pp-data-json = Эта петиция в формате JSON

## Подписание
pp-sign-heading = Подписать
pp-sign-territory = Подписать эту петицию могут только жители: { $territory }.
pp-sign-anyone = Подписать эту петицию может любой проверенный гражданин старше 18 лет.
pp-sign-hint = Подпись записывается в реестр под псевдонимом, который действует только для этой петиции. Показываются только ваше имя и инициал фамилии.
pp-sign-button = Подписать петицию
pp-sign-in-to-sign = Войдите, чтобы подписать
pp-verify-to-sign = Чтобы подписать, сначала подтвердите личность.
pp-verify-link = Подтвердить личность
pp-sign-closed = Сейчас эта петиция не принимает подписи.
pp-you-signed = Вы подписали эту петицию
pp-see-receipt = Посмотреть квитанцию
pp-your-signature-invalidated = Модераторы признали вашу подпись недействительной; причина указана в квитанции.

## Действия автора
pp-author-heading = Ваша петиция
pp-edit = Изменить черновик
pp-launch = Запустить петицию
pp-launch-hint = При запуске петиция подписывается от вашего имени, и вы получаете ссылку, чтобы поделиться ею: нужно { $need } сторонников (включая вас) за { $days } рабочих дней, затем петицию рассмотрят модераторы.
pp-share-link = Ссылка, чтобы поделиться
pp-withdraw-reason = Почему вы отзываете петицию?
pp-withdraw-hint = Причина публикуется вместе с петицией. Петицию, набравшую порог, отозвать нельзя.
pp-withdraw = Отозвать петицию
pp-withdraw-reason-needed = Укажите причину отзыва (не более { $max } знаков).
pp-author-nothing = Сейчас ничего делать не нужно: петицию уже нельзя изменить или отозвать.
pp-done-drafted = Черновик сохранён. Проверьте его и запустите, когда будете готовы.
pp-done-launched = Петиция запущена.
pp-done-withdrawn = Петиция отозвана.

## Форма черновика
pp-new-title = Создать петицию
pp-edit-title = Изменить черновик
pp-new-lead = Выберите орган и напишите, чего вы просите. Пишите на казахском, русском или английском — хотя бы на одном; читатель видит петицию на своём языке, если она на нём написана.
pp-form-problems = Черновик не сохранён. Исправьте следующее:
pp-form-choose = Выберите…
pp-form-level-hint = Местные петиции — для места, где вы живёте, по подтверждённым данным: { $home }. Подписать их могут только жители.
pp-form-texts-hint = Напишите заголовок и текст хотя бы на одном языке.
pp-field-title = Заголовок
pp-field-text = Текст
pp-save-draft = Сохранить черновик
pp-form-choose-body = Выберите орган, к которому обращена петиция.
pp-form-choose-level = Выберите уровень петиции.
pp-form-level-body = К этому органу нельзя обратиться на этом уровне: уровень Правительства — для Правительства, министерств и агентств; к акиматам и маслихатам обращаются на уровне области или района.
pp-form-no-district = В ваших подтверждённых данных нет района или города, поэтому петиция районного уровня невозможна. Выберите уровень области.
pp-form-choose-topic = Выберите тему.
pp-form-title-missing = Напишите заголовок и на этом языке или оставьте текст пустым.
pp-form-text-missing = Напишите текст и на этом языке или оставьте заголовок пустым.
pp-form-too-long = Слишком длинно: не более { $max } знаков.
pp-form-one-language = Напишите заголовок и текст хотя бы на одном языке.
pp-edit-not-draft = Изменить можно только черновик, а эта петиция уже запущена.
pp-verify-to-start = Чтобы создать петицию, сначала подтвердите личность.

## Мои петиции
pp-mine-title = Мои петиции
pp-mine-empty = Вы ещё не написали ни одной петиции.
pp-mine-caption = Ваши петиции, сначала новые
pp-col-petition = Петиция
pp-col-next = Следующий шаг
pp-next-draft = Проверьте черновик и запустите его.
pp-next-threshold = Порог достигнут; орган обязан ответить.
pp-next-answered = Орган ответил.
pp-next-awaiting = Орган обязан ответить до { $date }.
pp-next-closed = Сбор подписей окончен.
pp-next-rejected = Отклонена: причина — на странице петиции.
pp-next-none = Больше ничего делать не нужно.

## Квитанция
pp-receipt-title = Квитанция о вашей подписи
pp-receipt-lead = Ваша подпись — запись в открытом реестре. Любой может проверить, что она там есть и учтена, не узнав, кто вы.
pp-receipt-none = Вы не подписывали эту петицию.
pp-field-petition = Петиция
pp-field-shown-as = Показывается как
pp-field-region = Регион
pp-field-signed-at = Подписано
pp-field-log-index = Запись реестра
pp-field-leaf-hash = Хеш листа
pp-field-pseudonym = Ваш псевдоним в этой петиции
pp-field-counted = Учтена
pp-counted-yes = Да, подпись учтена.
pp-counted-no = Нет.
pp-invalidated-because = Модераторы признали её недействительной: { $reason }.
pp-proof-heading = Доказательство, что подпись в реестре
pp-proof-verified = Проверено
pp-proof-verified-text = Сервер получил доказательство включения записи { $index } (хешей: { $hashes }) и проверил, что оно ведёт к корню подписанной контрольной точки на { $size } записей.
pp-field-checkpoint-size = Размер контрольной точки
pp-field-checkpoint-root = Корень контрольной точки
pp-proof-checkpoint-note = Подписанная контрольная точка
pp-proof-pending = Подпись записана; следующая подписанная контрольная точка охватит её в течение секунды. Обновите страницу, чтобы увидеть доказательство.
pp-reload = Обновить
pp-proof-failed = Доказательство не прошло проверку. Пожалуйста, сообщите об этом: реестр мог быть изменён.
pp-check-heading = Проверьте сами
pp-check-step-entry = Возьмите точные байты записи { $index } (они показаны на её странице) и вычислите хеш листа: SHA-256 от нулевого байта и этих байтов. Он должен совпасть с хешем листа выше.
pp-check-step-proof = Скачайте доказательство включения для этого номера и хеша и сверните хеши до корня (RFC 9162):
pp-check-step-checkpoint = Сравните корень с подписанной контрольной точкой:
pp-check-step-key = Проверьте подпись контрольной точки открытым ключом реестра:
pp-check-tool = Или поручите все шаги аудитору — с любого компьютера:
pp-check-walkthrough = Доказательство шаг за шагом

## Ошибки
pp-err-title = Не получилось
pp-err-other = Действие не выполнено (код { $code }). Обновите страницу и попробуйте ещё раз.
pp-err-petition-not-found = Такой петиции нет.
pp-err-unknown-petition = Такой петиции нет.
pp-err-not-verified = Это может сделать только человек с подтверждённой личностью. Сначала подтвердите личность.
pp-err-underage = Подписывать и создавать петиции можно с 18 лет.
pp-err-outside-territory = Эта петиция для территории «{ $territory }»: подписать её могут только её жители.
pp-err-already-signed = Вы уже подписали эту петицию: один человек — одна подпись.
pp-err-rate-limited = Слишком много подписей от вас или из вашей сети за последнюю минуту. Подождите минуту и попробуйте снова.
pp-err-not-signed-in = Сначала войдите.
pp-err-missing-role = Вашей учётной записи это не разрешено.
pp-err-not-in-body = Ваша учётная запись не относится к этому органу.
pp-err-window-ended = Срок подписания этой петиции истёк.
pp-err-petition-status = Статус петиции больше не позволяет это сделать. Обновите страницу, чтобы увидеть, где она сейчас.
pp-err-not-author = Это может сделать только автор петиции.
pp-err-threshold-reached = Петиция набрала порог подписей, поэтому её больше нельзя отозвать.
pp-err-busy = Реестр занят. Подождите немного и попробуйте снова.
pp-err-ledger-unavailable = Реестр сейчас не может это записать. Попробуйте через минуту.
pp-err-storage-unavailable = Хранилище сейчас недоступно. Попробуйте через минуту.
pp-err-internal = На сервере что-то пошло не так. Попробуйте через минуту.
pp-err-erased = Персональные данные этой учётной записи удалены.
pp-err-unknown-body = Такой орган не зарегистрирован.
pp-err-body-not-at-level = К этому органу нельзя обратиться на этом уровне.
pp-err-unknown-topic = Такой темы нет в правилах петиций.
pp-err-level-not-petitionable = Правила не допускают петиции этого уровня.
pp-err-no-petition-rules = Правила петиций ещё не опубликованы, поэтому создать петицию нельзя.
pp-err-no-population-figure = В правилах нет численности населения вашей территории, поэтому порог нельзя определить. Выберите другой уровень.
pp-err-text-too-long = Текст слишком длинный.
pp-err-field-too-long = Текст слишком длинный.
pp-err-control-character = В тексте есть недопустимые символы.
pp-err-invisible-text = В этом тексте ничего не видно: в нём только пробелы или невидимые символы. Напишите его буквами.
pp-err-bidi-control = В тексте есть невидимый символ, который меняет направление текста вокруг него. Удалите его — если вы вставили текст, наберите его заново.
pp-err-empty-field = Напишите заголовок и текст хотя бы на одном языке.
pp-err-blank-translation = Заголовок или текст пуст.
pp-err-territory-shape = Территория не соответствует уровню.

pp-addressed-to = Кому: { $body }
pp-about-heading = О петиции
pp-regions-empty = Подписей пока нет, поэтому карты нет.
pp-data-feed = Новости петиции (лента Atom)
pp-share-heading = Поделиться и следить
pp-share-copy = Копировать
pp-share-copied = Скопировано
pp-share-email = Эл. почта
pp-follow-feed = Следить за новостями (лента)
pp-done-launched-share = Поделитесь ссылкой ниже с первыми сторонниками.
pp-withdraw-confirm = Отозвать окончательно
pp-progress-gathering = { $count } из { $threshold } первых сторонников ({ $percent }%)
pp-badge-sign = Подпишите петицию
pp-embed-heading = Показать счётчик на своём сайте
pp-embed-hint = Картинка со счётчиком подписей, который растёт вместе с петицией, и ссылкой на эту страницу. Скрипты не нужны.
pp-embed-code = Код для вставки на вашу страницу
pp-done-answered = Ответ опубликован в реестре под вашей учётной записью. Теперь его видят все, кто следит за петицией.
pp-body-owed-heading = Петиции, на которые он должен ответить
pp-body-owed-none = Сейчас он не должен ответа ни на одну петицию.
pp-body-answered = Петиции, на которые он ответил ({ $count })
pp-new-lead-public = Сохранённый черновик сразу записывается в открытый реестр вместе с названием и текстом; не пишите того, что не показали бы всем.
