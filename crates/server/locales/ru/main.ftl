# Дауыс — русский. Термины: /work/shared/GLOSSARY.md

## Сайт

site-title = Дауыс
site-tagline = Электронное участие на открытом реестре
skip-to-content = Перейти к содержанию
nav-label = Основное меню
nav-home = Главная
nav-log = Реестр
lang-switcher-label = Язык
lang-kk = Қазақша
lang-ru = Русский
lang-en = English
footer-about = Каждое публичное действие — запись в открытом реестре, который можно только дополнять. Любой может скопировать его и проверить.
footer-machine = Для программ:
footer-checkpoint = последняя подписанная контрольная точка
footer-tiles = тайлы реестра (C2SP tlog-tiles)
footer-log-info = имя реестра, открытый ключ и контрольная точка (JSON)
footer-openapi = описание JSON API

## Главная

home-intro = Здесь обращения граждан, петиции и ответы государственных органов записываются в открытый реестр. Никто не может незаметно изменить его.
stat-entries = записей в реестре
stat-bodies = государственных органов
stat-notices = объявлений
home-checkpoint-heading = Последняя контрольная точка
home-checkpoint-intro = Контрольная точка — корневой хеш реестра определённого размера, подписанный ключом реестра.
home-latest-heading = Последние записи
home-latest-caption = Десять новейших записей, новые сверху
home-all-entries = Все записи
home-verify-heading = Проверка
home-verify-text = Скопируйте весь реестр и проверьте каждую запись, каждое доказательство и подпись контрольной точки на своём компьютере:

## Контрольная точка

checkpoint-size = Размер дерева (число записей)
checkpoint-root = Корневой хеш
checkpoint-signed-at = Время подписи
checkpoint-origin = Имя реестра
checkpoint-note = Подписанная запись (signed note)
checkpoint-none = Реестр ещё не подписал контрольную точку. Обновите страницу через мгновение.

## Реестр

log-title = Записи реестра
log-intro = Каждая запись — публичное событие, записанное в реестр один раз и больше не изменяемое. Новые сверху.
log-range = Записи { $from }–{ $to } из { $total }
log-empty = Реестр пока пуст.
log-newer = ← Новее
log-older = Старее →
log-pages-label = Страницы реестра
col-index = Номер
col-time = Время
col-event = Событие
col-summary = Содержание
col-leaf-hash = Хеш листа

## События

event-deployment-configured = Платформа настроена
event-calendar-published = Опубликован производственный календарь
event-body-registered = Орган зарегистрирован
event-notice-published = Опубликовано объявление
summary-deployment = «{ $name }», часовой пояс { $offset }
summary-calendar = { $year } год: выходных и праздничных дней — { $holidays }, перенесённых рабочих дней — { $transferred }
event-person-verified = Личность подтверждена
event-person-erased = Персональные данные удалены
event-role-granted = Роль назначена
event-role-revoked = Роль снята
event-access-bases-published = Опубликованы правовые основания доступа к персональным данным
event-personal-data-opened = Доступ к персональным данным
event-registry-imported = Импортирован реестр
event-key-rotated = Ключ заменён
summary-person-verified = псевдоним { $person }, { $region }, способ: { $method }
summary-person-erased = псевдоним { $person }
summary-role = { $role } — учётная запись { $account }
summary-role-in-body = { $role }, { $body } — учётная запись { $account }
summary-access-bases = правовых оснований: { $count }
summary-opening = { $body }, сотрудник { $official }: { $purpose } (основание: { $basis })
summary-registry = записей: { $records }, SHA-256 файла { $digest }
summary-key-rotated = ключ «{ $key }», версия { $version }
method-oidc = поставщик идентификации (eGov ID)
method-registry = реестр и одноразовый код
method-manual = администратор, лично
role-citizen = Гражданин
role-moderator = Модератор
role-official = Сотрудник органа
role-head = Руководитель органа
role-auditor = Аудитор
role-administrator = Администратор
key-pseudonym = псевдонимов
key-vault_master = главный ключ хранилища
body-kind-government = Правительство
body-kind-ministry = Министерство
body-kind-agency = Агентство
body-kind-akimat = Акимат
body-kind-maslikhat = Маслихат
body-kind-university = Университет
body-kind-other = Другая организация

## Запись

entry-title = Запись № { $index }
entry-fields-heading = Поля записи
field-name = Название
field-utc-offset = Часовой пояс
field-year = Год
field-holidays = Выходные и праздничные дни
field-transferred = Субботы и воскресенья, перенесённые в рабочие дни
field-body-id = Идентификатор органа
field-body-kind = Вид органа
field-parent = Вышестоящий орган
field-notice-id = Идентификатор объявления
field-title = Заголовок
field-text = Текст
field-none = нет
entry-bytes-heading = Канонические байты JSON
entry-bytes-explain = Именно эти { $length } байт — лист дерева Меркла. Изменится хоть один байт — изменится и хеш.
entry-as-json = Эта запись в формате JSON
entry-nav-label = Соседние записи
entry-previous = ← Предыдущая запись
entry-next = Следующая запись →
entry-in-log = Показать в реестре

## Доказательство включения

proof-heading = Доказательство включения
proof-tree-size = Размер контрольной точки
proof-empty = Доказательство пустое: в этой контрольной точке одна запись, поэтому хеш листа и есть корень.
proof-steps-heading = Шаги доказательства ({ $count })
proof-sibling-left = Соседний хеш слева:
proof-sibling-right = Соседний хеш справа:
proof-matches = ✓ Результат совпадает с корнем подписанной контрольной точки размера { $size }:
proof-mismatch = ✗ Результат не совпал с корнем контрольной точки. Пожалуйста, сообщите об этом.
proof-checkpoint-heading = Контрольная точка, к которой ведёт доказательство
proof-pending = Эта запись уже в реестре, но ещё не вошла в подписанную контрольную точку. Обновите страницу через несколько секунд.
proof-refresh = Обновить страницу

## Проверьте сами

verify-heading = Как проверить это самостоятельно
verify-step-leaf = Вычислите хеш листа: SHA-256(0x00 || байты записи). Он должен совпасть с хешем листа выше.
verify-step-proof = Пройдите доказательство (RFC 6962, RFC 9162 §2.1.3.2): на каждом шаге объедините текущий хеш с соседним как SHA-256(0x01 || левый || правый); с какой стороны сосед, определяют номер записи { $index } и размер дерева { $size }.
verify-step-root = Сравните итог с корневым хешем в контрольной точке (третья строка записи, base64).
verify-step-signature = Проверьте подпись Ed25519 контрольной точки открытым ключом реестра (C2SP signed-note):
verify-tool = Или проверьте весь реестр одной командой:
verify-mirror = Любой клиент C2SP tlog может зеркалировать пути /checkpoint и /tile/ и проверить реестр, не доверяя нам.
verify-proof-json = Доказательство в формате JSON
verify-checkpoint-link = Последняя контрольная точка

## Страницы ошибок

error-not-found-title = Страница не найдена
error-not-found-text = По адресу «{ $path }» страницы нет.
error-no-entry-title = Такой записи нет
error-no-entry = В реестре нет записи № { $index }. Записей в реестре сейчас: { $size } (нумерация с 0).
error-bad-index = «{ $value }» — не номер записи. Номер — целое число начиная с 0.
error-bad-position = «{ $value }» — не позиция в реестре. Укажите целое число.
error-check-address = Проверьте адрес и попробуйте ещё раз.
error-try-later = Это временный сбой. Попробуйте ещё раз немного позже.
error-go-home = Вернуться на главную
error-go-log = Перейти к реестру

## Сообщения об ошибках (API)

problem-not-found = Не найдено
problem-invalid-parameter = Неверный параметр
problem-invalid-json = Некорректный JSON
problem-invalid-event = Некорректное событие
problem-unsupported-media-type = Неподдерживаемый тип содержимого
problem-payload-too-large = Слишком большой запрос
problem-unauthorized = Требуется авторизация
problem-rejected = Отклонено правилами
problem-busy = Сервер занят
problem-storage-unavailable = Хранилище недоступно
problem-shutting-down = Сервер останавливается
problem-timeout = Время ожидания истекло
problem-no-checkpoint = Контрольной точки ещё нет
problem-not-yet-checkpointed = Запись ещё не вошла в контрольную точку
problem-receipt-mismatch = Квитанция не совпадает с реестром
problem-invalid-tile-path = Неверный путь тайла
problem-invalid-proof-request = Неверный запрос доказательства
problem-method-not-allowed = Метод не разрешён
problem-internal = Внутренняя ошибка
problem-status-400 = Неверный запрос
problem-status-401 = Требуется авторизация
problem-status-404 = Не найдено
problem-status-405 = Метод не разрешён
problem-status-409 = Конфликт
problem-status-413 = Слишком большой запрос
problem-status-415 = Неподдерживаемый тип содержимого
problem-status-500 = Внутренняя ошибка сервера
problem-status-503 = Сервис временно недоступен

## Люди

nav-account = Мой кабинет
err-title = Не получилось
err-bad-form = Не удалось прочитать форму. Обновите страницу и попробуйте снова.
err-form-expired = Форма устарела или отправлена не с этого сайта. Обновите страницу и попробуйте снова.
err-wrong-credentials = Неверный адрес электронной почты или пароль.
err-locked = Слишком много попыток. Подождите несколько минут и попробуйте снова.
err-invalid-email = Введите правильный адрес электронной почты, например name@example.kz.
err-password-too-short = Пароль должен содержать не менее 10 символов.
err-password-too-long = Пароль слишком длинный (не более 1024 байт).
err-iin-not-digits = ИИН состоит только из цифр.
err-iin-length = ИИН состоит ровно из 12 цифр.
err-iin-century-digit = 7-я цифра ИИН физического лица — от 1 до 6; проверьте номер.
err-iin-birth-date = Первые шесть цифр ИИН не образуют дату рождения; проверьте номер.
err-iin-check-digit = Последняя цифра ИИН не сходится с остальными; проверьте номер на опечатку.
err-not-signed-in = Сначала войдите.
err-missing-role = У вашей учётной записи нет нужной для этого роли.
err-not-in-body = Вы не действуете от имени этого органа.
err-not-verified = Для этого нужна подтверждённая личность.
err-invalid-field = Поле пустое, слишком длинное или содержит недопустимые символы.
err-identity-taken = Эта личность уже подтверждена для другой учётной записи. Один человек — одна учётная запись.
err-already-verified = Эта учётная запись уже подтверждена.
err-no-such-account = Учётной записи с таким идентификатором нет.
err-erased = Данные этого человека удалены по его просьбе.
err-ledger-unavailable = Реестр сейчас не смог записать действие; ничего не сделано. Попробуйте чуть позже.
err-storage-unavailable = Хранилище сейчас недоступно; ничего не сделано. Попробуйте чуть позже.
err-person-already-verified = Эта личность уже подтверждена. Один человек — одна учётная запись.
err-not-official-of-body = Вы не сотрудник и не руководитель этого органа.
err-unknown-basis = Выберите одно из опубликованных правовых оснований.
err-no-access-bases = Правовые основания ещё не опубликованы.
err-grant-exists = У учётной записи уже есть эта роль.
err-unknown-body = Такой орган не зарегистрирован.
err-body-required = Сотрудники и руководители действуют от имени органа: выберите его.
err-body-not-allowed = Эта роль не относится к органу: оставьте орган пустым.
err-not-administrator = Это может сделать только администратор.
signup-title = Создать учётную запись
signup-button = Создать
signup-have-account = Уже есть учётная запись?
signup-done = Если этот адрес не был зарегистрирован раньше, учётная запись готова. Войдите.
login-title = Вход
login-button = Войти
login-no-account = Ещё нет учётной записи?
field-email = Адрес электронной почты
field-password = Пароль
password-hint = Не менее 10 символов. Фразу из нескольких слов легко запомнить и трудно угадать.
me-title = Мой кабинет
field-account-id = Идентификатор учётной записи
field-phone = Телефон
field-status = Личность
status-verified = Подтверждена
status-not-verified = Ещё не подтверждена
status-erased = Удалена
field-birth-date = Дата рождения
field-locality = Место жительства
field-verified-by = Способ подтверждения
see-on-log = посмотреть в реестре
field-roles = Роли
me-how-to-verify = Чтобы подписывать петиции и подавать обращения, подтвердите личность: через eGov ID, кодом из реестра или лично у администратора (покажите удостоверение личности и назовите идентификатор учётной записи).
access-title = Кто смотрел мои данные
me-download = Скачать все мои данные (JSON)
admin-people-title = Люди и роли
office-title = Рабочее место сотрудника
me-contacts = Контактные данные
save-button = Сохранить
me-sessions = Сеансы
logout-button = Выйти
logout-everywhere-button = Выйти на всех устройствах
erase-title = Удалить мои персональные данные
erase-explained = Удаление уничтожает ключ, которым зашифрованы ваши данные, — их больше никто не сможет прочитать, — и завершает все сеансы. Записи публичного реестра остаются, но в них никогда не было вашего имени или ИИН — только псевдоним. Закон может требовать хранить некоторые записи (например, обращения на рассмотрении); они хранятся только столько, сколько он требует.
erase-confirm = Я понимаю, что это нельзя отменить.
erase-button = Удалить мои данные
erase-done-title = Ваши данные удалены
erase-done = Ваши персональные данные больше никто не сможет прочитать, вы вышли из системы.
access-lead = Каждый раз, когда сотрудник открывает ваши персональные данные, он обязан указать цель и правовое основание, а доступ записывается в публичный реестр. Здесь перечислены эти случаи.
access-none = Никто не открывал ваши персональные данные.
access-caption = Доступ к вашим персональным данным, сначала новые
col-body = Орган
col-official = Сотрудник
col-purpose = Цель и дело
col-basis = Правовое основание
col-check = Проверка
access-verify = Как проверить самостоятельно
access-verify-how = В реестре записаны не вы, а обязательство: SHA-256 от «dauys/data-opening/v1», нулевого байта, P, нулевого байта и nonce (в байтах). Вычислите его и сравните с полем subject записи.
access-restricted-note = Доступ в рамках уголовного расследования записывается в реестр сразу, но показывается здесь только по истечении установленного законом срока.
admin-people-caption = Учётные записи (только идентификаторы; персональные данные открываются лишь с указанием причины)
col-actions = Действия
admin-verify = Подтвердить личность
next-page = Следующая страница
admin-grant-title = Назначить роль
field-role = Роль
field-body = Орган
admin-body-hint = Сотрудники и руководители действуют от имени органа; для других ролей оставьте пустым.
admin-grant-button = Назначить
admin-verify-title = Подтвердить личность при личной явке
admin-verify-lead = Вы видели документ, удостоверяющий личность. Учётная запись:
field-iin = ИИН
field-given-name = Имя
field-family-name = Фамилия
field-region = Регион
field-district = Район или город (необязательно)
district-hint = Латинские буквы, цифры и дефисы, например kokshetau.
admin-verify-button = Подтвердить
office-lead = Открывайте данные человека только когда этого требует работа. Вы укажете причину, и человек её увидит.
office-find = Продолжить
open-title = Открыть персональные данные
open-lead = Укажите цель, правовое основание и дело. Доступ записывается в публичный реестр до показа данных, и человек увидит его на странице «Кто смотрел мои данные».
field-basis = Правовое основание
field-purpose = Цель
field-case = Номер дела
open-logged-warning = Нажатие кнопки записывает этот доступ в публичный реестр.
open-button = Записать и открыть
opened-title = Персональные данные
opened-logged = Этот доступ записан в реестр.
verify-title = Подтвердить личность
verify-oidc-title = Через eGov ID
verify-oidc-lead = Вы войдёте у поставщика идентификации; он сообщит Dauys ваш ИИН, имя, дату рождения и место жительства. В публичный реестр попадут только псевдоним и место жительства.
verify-oidc-button = Подтвердить через eGov ID
verify-in-person-title = Лично
err-oidc-failed = Поставщик идентификации не подтвердил вашу личность. Попробуйте снова.
err-oidc-state-unknown = Этот вход у поставщика идентификации начат не здесь или длился слишком долго. Начните заново.
err-oidc-disabled = Подтверждение через поставщика идентификации на этом сайте не настроено.
registry-title = Импорт реестра
registry-lead = Вставьте файл переписи или реестра (CSV, UTF-8, с заголовком ниже). Все строки должны быть верными, иначе ничего не импортируется. Каждая запись шифруется; в реестр записываются только число записей и SHA-256 файла.
registry-csv = Файл реестра (CSV)
registry-import-button = Импортировать
registry-refused = Ничего не импортировано: исправьте эти строки и попробуйте снова.
registry-line = строка
registry-imported = Импортировано записей:
verify-registry-title = Кодом из реестра
verify-registry-lead = Если вы есть в импортированном здесь реестре, мы отправим одноразовый код на указанный в нём адрес электронной почты.
verify-registry-send = Отправить код
verify-registry-sent = Если этот ИИН есть в реестре, код отправлен на адрес электронной почты, указанный в реестре. Код действует 15 минут.
verify-registry-redeem = Подтвердить
field-code = Одноразовый код
err-wrong-code = Код неверный, истёк или уже использован. Запросите новый.
mail-registry-code-subject = Ваш код подтверждения Dauys
mail-registry-code-body = Ваш одноразовый код для подтверждения личности в Dauys: { $code }. Он действует 15 минут. Если вы его не запрашивали, не обращайте внимания на это письмо.
err-erase-unconfirmed = Отметьте флажок, подтвердив, что понимаете: удаление нельзя отменить.
admin-staff-title = Сотрудники и их роли
admin-staff-caption = Учётные записи с ролью, кроме гражданина (публично в реестре)
admin-revoke-button = Снять
bodies-title = Государственные органы
bodies-caption = Зарегистрированные органы
bodies-register-title = Зарегистрировать орган
bodies-register-button = Зарегистрировать
audit-title = Доступ к персональным данным
audit-lead = Все случаи доступа к персональным данным, записанные в реестр. Субъект — обязательство, которое может раскрыть только сам человек; орган, сотрудник, цель и основание публичны.
audit-caption = Все случаи доступа, сначала новые
audit-disclosed-from = Показывается человеку с
verify-registry-have-code = У меня есть код
err-oidc-refused = Поставщик идентификации не подтвердил вашу личность (возможно, вы отменили вход или он устарел). Попробуйте снова.
