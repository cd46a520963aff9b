# The petitions' JSON API and Atom feeds (src/petitions/api.rs, src/petitions/feeds.rs).

problem-petition-not-found = No such petition
problem-signature-not-found = No such signature
problem-not-verified = Identity not verified
problem-underage = Only people aged 18 or over may sign
problem-outside-territory = Outside the petition's territory
problem-already-signed = Already signed
problem-rate-limited = Too many signatures; wait a minute
problem-ledger-unavailable = Ledger unavailable
problem-csrf-token-invalid = Missing or wrong CSRF token
problem-status-403 = Forbidden
problem-status-422 = Not possible now
problem-status-429 = Too many requests

feed-new-title = New petitions
feed-petition-title = Petition: { $title }
feed-body-title = Petitions to { $body }
feed-signatures = { $signatures } of { $threshold } signatures
feed-due = The answer is due by { $due }
feed-overdue = The answer was due by { $due } and is overdue
feed-decision-supported = Decision: supported
feed-decision-partially_supported = Decision: partially supported
feed-decision-not_supported = Decision: not supported
feed-status-draft = Draft
feed-status-gathering = Gathering its first supporters
feed-status-moderation = In moderation
feed-status-open = Open for signatures
feed-status-closed = Closed
feed-status-rejected = Rejected
feed-status-withdrawn = Withdrawn
feed-status-expired = Expired
