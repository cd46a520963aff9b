# The citizens' petition pages (crates/server/src/petitions/pages.rs). Every id starts with
# `pp-`, except the level names, which `petitions::level_label` looks up.

pp-nav = Petitions

## Level names
level-government = Government and central bodies
level-oblast-akimat = Oblast (city) akimat
level-oblast-maslikhat = Oblast (city) maslikhat
level-district-akimat = District or town akimat
level-district-maslikhat = District or town maslikhat

## Statuses and codes
pp-status-draft = Draft
pp-status-gathering = Gathering first supporters
pp-status-moderation = In moderation
pp-status-open = Open for signatures
pp-status-closed = Closed
pp-status-rejected = Rejected
pp-status-withdrawn = Withdrawn
pp-status-expired = Lapsed: too few first supporters
pp-obligation-awaiting = Awaiting the answer
pp-obligation-answered = Answered
pp-obligation-overdue = Overdue
pp-filter-answer = The body's answer
pp-headline-answered = Answered on { $date }
pp-headline-awaiting = { $days ->
    [0] Awaiting the answer: due today, { $date }
    [one] Awaiting the answer: due in { $days } working day, by { $date }
   *[other] Awaiting the answer: due in { $days } working days, by { $date }
}
pp-headline-overdue = { $days ->
    [one] Overdue by { $days } day: the answer was due by { $date }
   *[other] Overdue by { $days } days: the answer was due by { $date }
}
pp-decision-supported = Supported
pp-decision-partially-supported = Partially supported
pp-decision-not-supported = Not supported
pp-reason-forbidden-topic = The petition addresses a forbidden topic
pp-reason-duplicate = The same demand is already petitioned
pp-reason-not-within-competence = The addressed body cannot decide this
pp-reason-offensive = Insults, obscenity, calls to violence or discrimination
pp-reason-unclear = No clear demand a body could answer
pp-sort-newest = Newest first
pp-sort-most-signed = Most signed first
pp-sort-closing-soon = Closing soon first

## The list
pp-list-title = Petitions
pp-list-lead = Petitions to state bodies. When a petition reaches its threshold, the body must answer publicly by a due date — every step is recorded in the open ledger.
pp-start = Start a petition
pp-search-label = Search petitions
pp-filter-q = Words to search for
pp-filter-q-hint = In the title or text, in any language. Every word must match the start of a word in the petition.
pp-filter-status = Status
pp-filter-level = Level
pp-filter-body = Body
pp-filter-region = Region
pp-filter-topic = Topic
pp-filter-sort = Order
pp-filter-page = Page
pp-filter-any = Any
pp-search = Search
pp-list-invalid = Some search settings are not valid. Correct them or clear the search:
pp-list-invalid-value = { $field }: “{ $value }” is not one of the choices.
pp-list-clear = Clear the search and filters
pp-results = Results
pp-results-count = { $count ->
    [one] One petition found
   *[other] { $count } petitions found
}, page { $page } of { $pages }.
pp-results-none = No petition matches. Try fewer or shorter words, or clear some filters.
pp-results-none-yet = No petition is public yet. A petition becomes public when moderators accept it.
pp-pages-label = Pages of results
pp-page-previous = Previous page
pp-page-next = Next page
pp-page-of = Page { $page } of { $pages }
pp-progress = { $count } of { $threshold } signatures ({ $percent }%)

## Deadlines
pp-deadline-draft = A draft: the author has not launched it yet.
pp-deadline-gathering = Needs { $need } more { $need ->
    [one] supporter
   *[other] supporters
} by { $date } ({ $days ->
    [one] 1 day left
   *[other] { $days } days left
}).
pp-deadline-gathering-ended = The time to gather the first supporters has ended.
pp-deadline-moderation = Moderators decide by { $date }.
pp-deadline-open = Open for signatures until { $date } ({ $days ->
    [one] 1 day left
   *[other] { $days } days left
}).
pp-deadline-open-ended = The signing window has ended.
pp-deadline-closed = Signing closed on { $date }.

## The petition page
pp-not-found-title = No such petition
pp-not-found-text = There is no petition “{ $id }”. Check the link, or find the petition in the list.
pp-back-to-list = All petitions
pp-also-in = Also written in:
pp-draft-note = This is a draft. It is not in the list of petitions, but its title and text are already in the public ledger, where anyone can read them, and they stay there even if you never launch it.
pp-link-only = This petition is reachable by its link only: it is not listed until it has its first supporters and moderators accept it.
pp-field-status = Status
pp-field-author = Author
pp-by-verified-citizen = by a verified citizen
pp-field-body = Body
pp-field-level = Level
pp-field-topic = Topic
pp-field-territory = Territory
pp-whole-country = The whole country
pp-field-drafted = Written
pp-progress-heading = Signatures
pp-invalidated-count = { $count ->
    [one] One signature was invalidated by moderators and is not counted.
   *[other] { $count } signatures were invalidated by moderators and are not counted.
}
pp-threshold-reached = The threshold was reached:
pp-text-heading = The petition
pp-obligation-heading = The body's obligation
pp-obligation-lead = The petition reached its threshold, so { $body } must consider it and publish an answer by the due date.
pp-field-obligation-status = Status
pp-field-opened = Opened
pp-field-due = Answer due by
pp-field-overdue-since = Overdue since
pp-answer-heading = The answer
pp-field-decision = Decision
pp-field-answered = Answered
pp-field-answered-by = Answered by
pp-answered-by = an official of { $body }, account
pp-answer-text = Answer
pp-answer-discussion = Record of the public discussion
pp-answer-head = Statement of the body's head
pp-log-entry = ledger entry #{ $index }
pp-rejection-heading = Why moderators rejected it
pp-field-reason = Reason
pp-field-forbidden-topic = Forbidden topic
pp-field-duplicate-of = Same as
pp-field-comment = Moderator's comment
pp-withdrawal-heading = Withdrawn by the author
pp-withdrawal-lead = The author withdrew this petition and gave this reason:
pp-chart-heading = Signatures over time
pp-chart-title = Signatures per day
pp-chart-desc = From { $from } to { $to }: { $total ->
    [one] one signature
   *[other] { $total } signatures
} on { $days ->
    [one] one day
   *[other] { $days } days
}; the busiest day was { $busiest } with { $most }.
pp-chart-empty = No signatures yet.
pp-chart-as-table = The numbers as a table
pp-col-day = Day
pp-col-signatures = Signatures
pp-col-total = Total so far
pp-regions-heading = Signatures by region
pp-map-title = Map of signatures by region
pp-regions-caption = Signatures by region, the most first
pp-col-region = Region
pp-recent-heading = Recent signatures
pp-recent-none = No recent signatures to show.
pp-history-heading = History
pp-history-caption = Every step of this petition, with its entry in the ledger
pp-col-status = Status
pp-col-event = Step
pp-col-time = Time
pp-col-entry = Ledger entry
pp-data-heading = Open data
pp-data-lead = Everything on this page is in the ledger and can be downloaded.
pp-data-json = This petition as JSON

## Signing
pp-sign-heading = Sign
pp-sign-territory = Only people who live in { $territory } may sign this petition.
pp-sign-anyone = Any verified citizen aged 18 or over may sign this petition.
pp-sign-hint = Your signature is recorded in the ledger under a pseudonym for this petition only. Only your first name and initial are shown.
pp-sign-button = Sign this petition
pp-sign-in-to-sign = Sign in to sign
pp-verify-to-sign = To sign, verify your identity first.
pp-verify-link = Verify your identity
pp-sign-closed = This petition does not take signatures now.
pp-you-signed = You signed this petition on
pp-see-receipt = See your receipt
pp-your-signature-invalidated = Moderators invalidated your signature; the receipt says why.

## The author's controls
pp-author-heading = Your petition
pp-edit = Edit the draft
pp-launch = Launch the petition
pp-launch-hint = Launching puts its title and text in the public ledger for good, signs it in your name and gives you a link to share: it needs { $need } supporters (you included) within { $days } working days, then moderators review it.
pp-share-link = Link to share
pp-withdraw-reason = Why do you withdraw it?
pp-withdraw-hint = The reason is published with the petition. A petition cannot be withdrawn once it has reached its threshold.
pp-withdraw = Withdraw the petition
pp-withdraw-reason-needed = Give a reason for withdrawing (at most { $max } characters).
pp-author-nothing = Nothing to do now: the petition can no longer be changed or withdrawn.
pp-done-drafted = The draft is saved. Check it, then launch it when ready.
pp-done-launched = Your petition is launched.
pp-done-withdrawn = The petition is withdrawn.

## The draft form
pp-new-title = Start a petition
pp-edit-title = Edit the draft
pp-new-lead = Address a body and say what you ask for. Write in Kazakh, Russian or English — at least one; the petition is shown in each reader's language when it is written in it.
pp-form-problems = The draft was not saved. Correct the following:
pp-form-choose = Choose…
pp-form-level-hint = Local petitions are for where you live, as verified: { $home }. Only people living there can sign them.
pp-form-texts-hint = Write a title and a text in at least one language.
pp-field-title = Title
pp-field-text = Text
pp-save-draft = Save the draft
pp-form-choose-body = Choose the body the petition is addressed to.
pp-form-choose-level = Choose the level of the petition.
pp-form-level-body = This body cannot be addressed at this level: the Government level is for the Government, ministries and agencies; akimats and maslikhats are addressed at their oblast or district level.
pp-form-no-district = Your verified address has no district or town, so you cannot petition at district level. Choose the oblast level.
pp-form-choose-topic = Choose a topic.
pp-form-title-missing = Write a title in this language too, or leave the text empty.
pp-form-text-missing = Write the text in this language too, or leave the title empty.
pp-form-too-long = Too long: at most { $max } characters.
pp-form-one-language = Write a title and a text in at least one language.
pp-verify-to-start = To start a petition, verify your identity first.

## My petitions
pp-mine-title = My petitions
pp-mine-empty = You have not written any petition yet.
pp-mine-caption = The petitions you wrote, the newest first
pp-col-petition = Petition
pp-col-next = Next step
pp-next-draft = Check the draft and launch it.
pp-next-threshold = The threshold is reached; the body must answer.
pp-next-answered = The body has answered.
pp-next-awaiting = The body must answer by { $date }.
pp-next-closed = Signing has ended.
pp-next-rejected = Rejected: the petition page gives the reason.
pp-next-none = Nothing more to do.

## The receipt
pp-receipt-title = Your signature's receipt
pp-receipt-lead = Your signature is an entry in the public ledger. Anyone can check that it is there and counted, without learning who you are.
pp-receipt-none = You have not signed this petition.
pp-field-petition = Petition
pp-field-shown-as = Shown as
pp-field-region = Region
pp-field-signed-at = Signed
pp-field-log-index = Ledger entry
pp-field-leaf-hash = Leaf hash
pp-field-pseudonym = Your pseudonym on this petition
pp-field-counted = Counted
pp-counted-yes = Yes, the signature is counted.
pp-counted-no = No.
pp-invalidated-because = Moderators invalidated it: { $reason }.
pp-proof-heading = Proof that it is in the ledger
pp-proof-verified = Verified
pp-proof-verified-text = The server fetched the inclusion proof of entry { $index } ({ $hashes } hashes) and checked that it leads to the root of the signed checkpoint of { $size } entries.
pp-field-checkpoint-size = Checkpoint size
pp-field-checkpoint-root = Checkpoint root
pp-proof-checkpoint-note = The signed checkpoint
pp-proof-pending = Your signature is recorded; the next signed checkpoint covers it within a second. Reload to see the proof.
pp-reload = Reload
pp-proof-failed = The proof did not verify. Please report this: the ledger may have been tampered with.
pp-check-heading = Check it yourself
pp-check-step-entry = Take the exact bytes of entry { $index } (its page shows them) and compute the leaf hash: SHA-256 of a zero byte followed by those bytes. It must equal the leaf hash above.
pp-check-step-proof = Download the inclusion proof for that index and hash, and combine the hashes to a root (RFC 9162):
pp-check-step-checkpoint = Compare the root with the signed checkpoint:
pp-check-step-key = Check the checkpoint's signature with the ledger's public key:
pp-check-tool = Or let the auditor do every step, from any computer:
pp-check-walkthrough = The proof, step by step

## Errors
pp-err-title = It did not work
pp-err-other = The action could not be done (code { $code }). Reload the page and try again.
pp-err-petition-not-found = There is no such petition.
pp-err-unknown-petition = There is no such petition.
pp-err-not-verified = Only a person whose identity is verified may do this. Verify your identity first.
pp-err-underage = You must be 18 or older to sign or start a petition.
pp-err-outside-territory = This petition is for { $territory }: only people living there may sign it.
pp-err-already-signed = You have already signed this petition: one person, one signature.
pp-err-rate-limited = Too many signatures from you or your network in the last minute. Wait a minute and try again.
pp-err-not-signed-in = Sign in first.
pp-err-missing-role = Your account may not do this.
pp-err-not-in-body = Your account does not belong to this body.
pp-err-window-ended = The time for signing this petition has ended.
pp-err-petition-status = The petition's status does not allow this any more. Reload the page to see where it is now.
pp-err-not-author = Only the petition's author may do this.
pp-err-threshold-reached = The petition has reached its threshold, so it can no longer be withdrawn.
pp-err-busy = The ledger is busy. Wait a moment and try again.
pp-err-ledger-unavailable = The ledger cannot record this now. Try again in a minute.
pp-err-storage-unavailable = The storage cannot be reached now. Try again in a minute.
pp-err-internal = Something went wrong on the server. Try again in a minute.
pp-err-erased = This account's personal data was erased.
pp-err-unknown-body = This body is not registered.
pp-err-body-not-at-level = This body cannot be addressed at this level.
pp-err-unknown-topic = This topic is not in the petition rules.
pp-err-level-not-petitionable = The rules do not allow petitions at this level.
pp-err-no-petition-rules = No petition rules are published yet, so petitions cannot be started.
pp-err-no-population-figure = The rules have no population figure for your territory, so the threshold cannot be set. Choose another level.
pp-err-text-too-long = A text is too long.
pp-err-field-too-long = A text is too long.
pp-err-control-character = A text contains characters that are not allowed.
pp-err-invisible-text = This text shows nothing: it has only spaces or invisible characters. Write it in letters.
pp-err-bidi-control = The text contains an invisible character that changes the direction of the text around it. Delete it — if you pasted the text, type it again.
pp-err-empty-field = Write a title and a text in at least one language.
pp-err-blank-translation = A title or text is blank.
pp-err-territory-shape = The territory does not fit the level.

pp-addressed-to = To { $body }
pp-about-heading = About this petition
pp-regions-empty = No signatures yet, so no map.
pp-data-feed = Updates to this petition (Atom feed)
pp-share-heading = Share and follow
pp-share-copy = Copy
pp-share-copied = Copied
pp-share-email = E-mail
pp-follow-feed = Follow updates (feed)
pp-done-launched-share = Share its link below with your first supporters.
pp-withdraw-confirm = Withdraw for good
pp-progress-gathering = { $count } of { $threshold } first supporters ({ $percent }%)
pp-badge-sign = Sign the petition
pp-embed-heading = Show the count on your site
pp-embed-hint = An image that shows the petition's count as it grows, linked to this page. It needs no script.
pp-embed-code = Code to paste into your page
pp-done-answered = The answer is published on the ledger under your account. Everyone who follows the petition can now read it.
pp-body-owed-heading = Petitions it must answer
pp-body-owed-none = It owes no answer to a petition now.
pp-body-answered = Petitions it answered ({ $count })
pp-new-lead-private = Only you can see a saved draft. Its title and text go into the public ledger for good only when you launch it.

## Following a petition by e-mail
pp-follow-email = Get an e-mail when it is answered
follow-title = Follow this petition by e-mail
follow-lead = We will write to you when the body answers this petition, and if its deadline passes without an answer. Nothing else.
follow-hint = We first send a link to confirm the address. Every message has a link that stops them; no account is needed.
follow-button = Send me the link
follow-sent = Check your mail: we sent a link to confirm. Nothing more is sent until you confirm.
follow-expired = This form has expired. Send it again.
follow-too-many = Too many requests from your network. Try again in an hour.
follow-bad-email = This does not look like an e-mail address. Check it and send it again.
follow-confirm-lead = Confirm that { $email } should get these e-mails.
follow-confirm-button = Confirm
follow-confirmed = { $email } will get these e-mails.
follow-stop-button = Stop these e-mails
follow-stopped = Done: no more e-mails about this petition will be sent to this address.
follow-unknown = This link is not valid any more: the e-mails may already have been stopped.
mail-follow-confirm-subject = Confirm: e-mails about "{ $title }"
mail-follow-confirm-body = Someone, probably you, asked for e-mails about "{ $title }" ({ $link }): when a petition is answered, and when a deadline passes without an answer. To confirm, open { $manage } and press "Confirm". If it was not you, do nothing: no more e-mails will come.
mail-follow-answered-subject = The petition "{ $title }" is answered
mail-follow-answered-body = The body has published its answer to the petition "{ $title }": { $link }. To stop these e-mails, open { $manage }.
mail-follow-overdue-subject = The petition "{ $title }" is overdue
mail-follow-overdue-body = The deadline for answering the petition "{ $title }" has passed without an answer; the ledger records it as overdue: { $link }. To stop these e-mails, open { $manage }.
follow-body-lead = We will write to you when this body answers a petition it owes an answer to, and when it lets a petition's deadline pass without one. Nothing else.
pp-follow-body = Get an e-mail when it answers a petition or misses a deadline

pp-draft-kicker = Your draft
pp-draft-private = Only you can see this draft: nothing of it is in the public ledger. When you launch it, its title and text go into the public ledger for good, where anyone can read them.
pp-draft-on-log = This draft was saved when drafts were public: its title and text are in the public ledger already. Only you see your changes until you launch it.
pp-draft-launch-heading = Launch
pp-draft-saved-at = Saved
pp-draft-delete = Delete this draft
pp-draft-delete-hint = The draft is deleted for good. Nothing of it was ever public.
pp-draft-delete-confirm = Delete for good
pp-done-deleted = The draft is deleted.
pp-err-too-many-drafts = You keep { $max } drafts already: launch or delete one before you start another.
pp-mine-drafts-caption = Your drafts not yet launched (only you can see them)
pp-col-saved = Saved
pp-status-private-draft = Private draft
pp-back-to-draft = Back to the draft
pp-err-card = The preview picture cannot be drawn right now. Try again in a few seconds.
