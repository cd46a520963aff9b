# JSON API петиций и ленты Atom (src/petitions/api.rs, src/petitions/feeds.rs).

problem-petition-not-found = Петиция не найдена
problem-signature-not-found = Подпись не найдена
problem-not-verified = Личность не подтверждена
problem-underage = Подписывать могут только лица с 18 лет
problem-outside-territory = Вне территории петиции
problem-already-signed = Уже подписано
problem-rate-limited = Слишком много подписей; подождите минуту
problem-ledger-unavailable = Реестр недоступен
problem-csrf-token-invalid = CSRF-токен отсутствует или неверен
problem-status-403 = Доступ запрещён
problem-status-422 = Сейчас это невозможно
problem-status-429 = Слишком много запросов

feed-new-title = Новые петиции
feed-petition-title = Петиция: { $title }
feed-body-title = Петиции в адрес: { $body }
feed-signatures = Подписей: { $signatures } из { $threshold }
feed-due = Ответ нужно дать до { $due }
feed-overdue = Ответ нужно было дать до { $due }; срок пропущен
feed-decision-supported = Решение: поддержано
feed-decision-partially_supported = Решение: поддержано частично
feed-decision-not_supported = Решение: не поддержано
feed-status-draft = Черновик
feed-status-gathering = Сбор первых сторонников
feed-status-moderation = На модерации
feed-status-open = Открыта для подписей
feed-status-closed = Сбор подписей завершён
feed-status-rejected = Отклонена
feed-status-withdrawn = Отозвана
feed-status-expired = Срок истёк
