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
