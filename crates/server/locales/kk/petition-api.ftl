# Петициялардың JSON API-і және Atom арналары (src/petitions/api.rs, src/petitions/feeds.rs).

problem-petition-not-found = Петиция табылмады
problem-signature-not-found = Қолтаңба табылмады
problem-not-verified = Тұлға расталмаған
problem-underage = Тек 18 жасқа толғандар қол қоя алады
problem-outside-territory = Петиция аумағынан тыс
problem-already-signed = Қол қойылып қойған
problem-rate-limited = Қолтаңба тым көп; бір минут күтіңіз
problem-ledger-unavailable = Тізілім қолжетімсіз
problem-csrf-token-invalid = CSRF токені жоқ немесе қате
problem-status-403 = Тыйым салынған
problem-status-422 = Қазір мүмкін емес
problem-status-429 = Сұрау тым көп

feed-new-title = Жаңа петициялар
feed-petition-title = Петиция: { $title }
feed-body-title = Мекемеге жолданған петициялар: { $body }
feed-signatures = Қолтаңба: { $threshold } ішінен { $signatures }
feed-due = Жауап беру мерзімі: { $due } дейін
feed-overdue = Жауап { $due } дейін берілуі тиіс еді; мерзімі өтіп кетті
feed-decision-supported = Шешім: қолдау табылды
feed-decision-partially_supported = Шешім: ішінара қолдау табылды
feed-decision-not_supported = Шешім: қолдау табылмады
feed-status-draft = Жоба
feed-status-gathering = Алғашқы қолдаушыларды жинап жатыр
feed-status-moderation = Модерацияда
feed-status-open = Қол қоюға ашық
feed-status-closed = Қол жинау аяқталды
feed-status-rejected = Қабылданбады
feed-status-withdrawn = Кері қайтарылды
feed-status-expired = Мерзімі өтті
