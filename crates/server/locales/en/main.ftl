# Dauys — English. Terms: /work/shared/GLOSSARY.md

## Site

site-title = Dauys
site-tagline = E-participation on an open ledger
skip-to-content = Skip to content
nav-label = Main menu
nav-home = Home
nav-log = Ledger
lang-switcher-label = Language
lang-kk = Қазақша
lang-ru = Русский
lang-en = English
footer-about = Every public act is an entry in an open, append-only ledger. Anyone can mirror it and verify it.
footer-machine = For programs:
footer-checkpoint = the latest signed checkpoint
footer-tiles = the ledger's tiles (C2SP tlog-tiles)
footer-log-info = the ledger's name, public key and checkpoint (JSON)
footer-openapi = the JSON API's description

## Home

home-intro = Citizens' appeals, petitions and the answers of state bodies are recorded here in an open ledger. Nobody can change it unnoticed.
stat-entries = entries in the ledger
stat-bodies = state bodies
stat-notices = notices
home-checkpoint-heading = Latest checkpoint
home-checkpoint-intro = A checkpoint is the root hash of the ledger at a given size, signed with the ledger's key.
home-latest-heading = Latest entries
home-latest-caption = The ten newest entries, newest first
home-all-entries = All entries
home-verify-heading = Verify
home-verify-text = Mirror the whole ledger and check every entry, every proof and the checkpoint's signature on your own computer:

## Checkpoint

checkpoint-size = Tree size (number of entries)
checkpoint-root = Root hash
checkpoint-signed-at = Signed at
checkpoint-origin = Ledger name
checkpoint-note = Signed note
checkpoint-none = The ledger has not signed a checkpoint yet. Refresh the page in a moment.

## Ledger

log-title = Ledger entries
log-intro = Each entry is a public event, written to the ledger once and never changed. Newest first.
log-range = Entries { $from }–{ $to } of { $total }
log-empty = The ledger is empty so far.
log-newer = ← Newer
log-older = Older →
log-pages-label = Ledger pages
col-index = Number
col-time = Time
col-event = Event
col-summary = Summary
col-leaf-hash = Leaf hash

## Events

event-deployment-configured = Deployment configured
event-calendar-published = Working-day calendar published
event-body-registered = Body registered
event-notice-published = Notice published
summary-deployment = “{ $name }”, time zone { $offset }
summary-calendar = { $year }: days off — { $holidays }, transferred working days — { $transferred }
event-person-verified = Person verified
event-person-erased = Personal data erased
event-role-granted = Role granted
event-role-revoked = Role revoked
event-access-bases-published = Legal bases for opening personal data published
event-personal-data-opened = Personal data opened
event-registry-imported = Registry imported
event-key-rotated = Key rotated
summary-person-verified = pseudonym { $person }, { $region }, by { $method }
summary-person-erased = pseudonym { $person }
summary-role = { $role } — account { $account }
summary-role-in-body = { $role } of { $body } — account { $account }
summary-access-bases = { $count } legal bases
summary-opening = { $body }, official { $official }: { $purpose } (basis: { $basis })
summary-registry = { $records } records, file SHA-256 { $digest }
summary-key-rotated = { $key } key, version { $version }
method-oidc = identity provider (eGov ID)
method-registry = registry and one-time code
method-manual = administrator, in person
role-citizen = Citizen
role-moderator = Moderator
role-official = Official
role-head = Head of body
role-auditor = Auditor
role-administrator = Administrator
key-pseudonym = pseudonym
key-vault_master = vault master
body-kind-government = Government
body-kind-ministry = Ministry
body-kind-agency = Agency
body-kind-akimat = Akimat
body-kind-maslikhat = Maslikhat
body-kind-university = University
body-kind-other = Other organisation

## Entry

entry-title = Entry { $index }
entry-fields-heading = Fields of the entry
field-name = Name
field-utc-offset = Time zone
field-year = Year
field-holidays = Days off and public holidays
field-transferred = Saturdays and Sundays made working days
field-body-id = Body identifier
field-body-kind = Kind of body
field-parent = Superior body
field-notice-id = Notice identifier
field-title = Title
field-text = Text
field-none = none
entry-bytes-heading = Canonical JSON bytes
entry-bytes-explain = Exactly these { $length } bytes are the Merkle tree leaf. Change one byte and the hash changes.
entry-as-json = This entry as JSON
entry-nav-label = Neighbouring entries
entry-previous = ← Previous entry
entry-next = Next entry →
entry-in-log = Show in the ledger

## Inclusion proof

proof-heading = Inclusion proof
proof-tree-size = Checkpoint size
proof-empty = The proof is empty: this checkpoint holds a single entry, so the leaf hash is the root itself.
proof-steps-heading = Steps of the proof ({ $count })
proof-sibling-left = Sibling hash on the left:
proof-sibling-right = Sibling hash on the right:
proof-matches = ✓ The result matches the root of the signed checkpoint of size { $size }:
proof-mismatch = ✗ The result does not match the checkpoint's root. Please report this.
proof-checkpoint-heading = The checkpoint the proof leads to
proof-pending = This entry is logged but not yet covered by a signed checkpoint. Refresh the page in a few seconds.
proof-refresh = Refresh the page

## Verify it yourself

verify-heading = How to verify this yourself
verify-step-leaf = Compute the leaf hash: SHA-256(0x00 || the entry's bytes). It must equal the leaf hash above.
verify-step-proof = Walk the proof (RFC 6962, RFC 9162 §2.1.3.2): at each step combine the current hash with the sibling as SHA-256(0x01 || left || right); the entry number { $index } and the tree size { $size } decide on which side the sibling goes.
verify-step-root = Compare the result with the root hash in the checkpoint (the note's third line, base64).
verify-step-signature = Verify the checkpoint's Ed25519 signature with the ledger's public key (C2SP signed-note):
verify-tool = Or verify the whole ledger with one command:
verify-mirror = Any C2SP tlog client can mirror /checkpoint and /tile/ and verify the ledger without trusting us.
verify-proof-json = The proof as JSON
verify-checkpoint-link = The latest checkpoint

## Error pages

error-not-found-title = Page not found
error-not-found-text = There is no page at “{ $path }”.
error-no-entry-title = No such entry
error-no-entry = The ledger has no entry number { $index }. It holds { $size } entries now (numbered from 0).
error-bad-index = “{ $value }” is not an entry number. Entry numbers are whole numbers starting at 0.
error-bad-position = “{ $value }” is not a position in the ledger. Give a whole number.
error-check-address = Check the address and try again.
error-try-later = This is a temporary failure. Please try again a little later.
error-go-home = Back to the home page
error-go-log = Go to the ledger

## Problem titles (API)

problem-not-found = Not found
problem-invalid-parameter = Invalid parameter
problem-invalid-json = Invalid JSON
problem-invalid-event = Invalid event
problem-unsupported-media-type = Unsupported media type
problem-payload-too-large = Payload too large
problem-unauthorized = Unauthorized
problem-rejected = Rejected by the rules
problem-busy = Server busy
problem-storage-unavailable = Storage unavailable
problem-shutting-down = Server shutting down
problem-timeout = Request timed out
problem-no-checkpoint = No checkpoint yet
problem-not-yet-checkpointed = Not yet in a checkpoint
problem-receipt-mismatch = Receipt does not match the ledger
problem-invalid-tile-path = Invalid tile path
problem-invalid-proof-request = Invalid proof request
problem-method-not-allowed = Method not allowed
problem-internal = Internal error
problem-status-400 = Bad request
problem-status-401 = Unauthorized
problem-status-404 = Not found
problem-status-405 = Method not allowed
problem-status-409 = Conflict
problem-status-413 = Payload too large
problem-status-415 = Unsupported media type
problem-status-500 = Internal server error
problem-status-503 = Service unavailable
