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

## People

nav-account = My account
err-title = That did not work
err-bad-form = The form could not be read. Reload the page and try again.
err-form-expired = This form has expired or was not sent from this site. Reload the page and try again.
err-wrong-credentials = The e-mail address or the password is wrong.
err-locked = Too many attempts. Wait a few minutes and try again.
err-invalid-email = Enter a valid e-mail address, such as name@example.kz.
err-password-too-short = The password must have at least 10 characters.
err-password-too-long = The password is too long (at most 1024 bytes).
err-iin-not-digits = The IIN has only digits.
err-iin-length = The IIN has exactly 12 digits.
err-iin-century-digit = The 7th digit of an individual's IIN is 1 to 6; check the number.
err-iin-birth-date = The first six digits of the IIN are not a real date of birth; check the number.
err-iin-check-digit = The IIN's last digit does not match the others; check the number for a typo.
err-not-signed-in = Sign in first.
err-missing-role = Your account does not have the role this needs.
err-not-in-body = You do not act for this body.
err-not-verified = This needs a verified identity.
err-invalid-field = A field is empty, too long or has characters that are not allowed.
err-identity-taken = This identity is already verified for another account. One person, one account.
err-already-verified = This account is already verified.
err-no-such-account = There is no account with this identifier.
err-erased = This person's data was erased at their request.
err-ledger-unavailable = The ledger could not record this just now; nothing was done. Try again shortly.
err-storage-unavailable = Storage is unavailable just now; nothing was done. Try again shortly.
err-person-already-verified = This identity is already verified. One person, one account.
err-not-official-of-body = You are not an official or head of this body.
err-unknown-basis = Choose one of the published legal bases.
err-no-access-bases = No legal bases are published yet.
err-grant-exists = The account already has this role.
err-unknown-body = No such body is registered.
err-body-required = Officials and heads act for a body: choose one.
err-body-not-allowed = This role does not belong to a body: leave the body empty.
err-not-administrator = Only an administrator can do this.
signup-title = Create an account
signup-button = Create account
signup-have-account = Already have an account?
signup-done = If this address was not registered before, your account is ready. Sign in.
login-title = Sign in
login-button = Sign in
login-no-account = No account yet?
field-email = E-mail address
field-password = Password
password-hint = At least 10 characters. A phrase of several words is easy to remember and hard to guess.
me-title = My account
field-account-id = Account identifier
field-phone = Phone
field-status = Identity
status-verified = Verified
status-not-verified = Not verified yet
status-erased = Erased
field-birth-date = Date of birth
field-locality = Locality
field-verified-by = Verified by
see-on-log = see it on the ledger
field-roles = Roles
me-how-to-verify = To sign petitions and file appeals, verify your identity: with eGov ID, with a code from the registry, or in person at an administrator's desk (show your identity card and give your account identifier).
access-title = Who looked at my data
me-download = Download all my data (JSON)
admin-people-title = People and roles
office-title = Official's desk
me-contacts = Contact details
save-button = Save
me-sessions = Sessions
logout-button = Sign out
logout-everywhere-button = Sign out everywhere
erase-title = Erase my personal data
erase-explained = Erasing destroys the key that encrypts your data, so nobody can read it again, and ends every session. What the public ledger recorded stays, but it never held your name or identifier: only a pseudonym. The law may require some records (for example appeals under consideration) to be kept; those are kept only as long as it requires.
erase-confirm = I understand that this cannot be undone.
erase-button = Erase my data
erase-done-title = Your data is erased
erase-done = Your personal data can no longer be read by anyone, and you are signed out.
access-lead = Every time an official opens your personal data, they must say why and on which legal basis, and the opening is recorded on the public ledger. This page lists those openings.
access-none = Nobody has opened your personal data.
access-caption = Openings of your personal data, newest first
col-body = Body
col-official = Official
col-purpose = Purpose and case
col-basis = Legal basis
col-check = Check
access-verify = How to check it yourself
access-verify-how = The ledger records not you but a commitment: SHA-256 of "dauys/data-opening/v1", a zero byte, P, a zero byte and the nonce (as bytes). Compute it and compare it with the entry's subject.
access-restricted-note = Openings for a criminal investigation are recorded on the ledger at once but shown here only after the delay the law sets.
admin-people-caption = Accounts (identifiers only; personal data is opened only with a stated reason)
col-actions = Actions
admin-verify = Verify identity
next-page = Next page
admin-grant-title = Grant a role
field-role = Role
field-body = Body
admin-body-hint = Officials and heads act for a body; leave it empty for the other roles.
admin-grant-button = Grant role
admin-verify-title = Verify an identity in person
admin-verify-lead = You have seen the person's identity document. Account:
field-iin = IIN
field-given-name = Given name
field-family-name = Family name
field-region = Region
field-district = District or town (optional)
district-hint = Latin letters, digits and hyphens, for example kokshetau.
admin-verify-button = Verify
office-lead = Open a person's record only when your work needs it. You will state why, and the person will see it.
office-find = Continue
open-title = Open a person's personal data
open-lead = State the purpose, the legal basis and the case. The opening is recorded on the public ledger before the data is shown, and the person sees it on their "who looked at my data" page.
field-basis = Legal basis
field-purpose = Purpose
field-case = Case reference
open-logged-warning = Pressing the button records this opening on the public ledger.
open-button = Record and open
opened-title = Personal data
opened-logged = This opening is recorded on the ledger.
verify-title = Verify my identity
verify-oidc-title = With eGov ID
verify-oidc-lead = You will sign in at the identity provider; it tells Dauys your IIN, name, date of birth and locality. Only a pseudonym and your locality go on the public ledger.
verify-oidc-button = Verify with eGov ID
verify-in-person-title = In person
err-oidc-failed = The identity provider did not confirm your identity. Try again.
err-oidc-state-unknown = This sign-in at the identity provider was not started here or took too long. Start again.
err-oidc-disabled = Verification through an identity provider is not set up on this site.
registry-title = Import a registry
registry-lead = Paste a census or registry file (CSV, UTF-8, with the header line below). Every row must be valid, or nothing is imported. Each record is encrypted; the ledger records only the number of records and the file's SHA-256.
registry-csv = Registry file (CSV)
registry-import-button = Import
registry-refused = Nothing was imported: fix these rows and try again.
registry-line = line
registry-imported = Records imported:
verify-registry-title = With a code from the registry
verify-registry-lead = If you are listed in the registry imported here, we send a one-time code to the e-mail address it lists for you.
verify-registry-send = Send me a code
verify-registry-sent = If this IIN is listed in the registry, a code was sent to the e-mail address the registry lists. It is valid for 15 minutes.
verify-registry-redeem = Verify
field-code = One-time code
err-wrong-code = The code is wrong, expired or already used. Ask for a new one.
mail-registry-code-subject = Your Dauys verification code
mail-registry-code-body = Your one-time code to verify your identity on Dauys is { $code }. It is valid for 15 minutes. If you did not ask for it, ignore this message.
err-erase-unconfirmed = Tick the box to confirm that you understand erasure cannot be undone.
admin-staff-title = Staff and their roles
admin-staff-caption = Accounts holding a role other than citizen (public on the ledger)
admin-revoke-button = Revoke
bodies-title = State bodies
bodies-caption = Registered bodies
bodies-register-title = Register a body
bodies-register-button = Register
audit-title = Openings of personal data
audit-lead = Every opening of a person's personal data recorded on the ledger. The subject is a commitment that only the person can open; the body, the official, the purpose and the basis are public.
audit-caption = All openings, newest first
audit-disclosed-from = Shown to the person from
verify-registry-have-code = I have a code
err-oidc-refused = The identity provider did not confirm your identity (you may have cancelled, or the sign-in expired). Try again.
