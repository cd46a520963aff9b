# The demo crowd page (/demo), shown only when the server runs with --demo.

demo-crowd-title = Demo crowd
demo-crowd-lead = This instance runs as a demo. To walk a petition through its whole life alone, add synthetic supporters here: as many as its next step needs (its initial supporters while it gathers them, then its threshold), at most 3,000 at a time.
demo-crowd-warning = Demo data: these supporters are not people. Their signatures are entries on the ledger like any other, under pseudonyms no one holds.
demo-crowd-sign-in = Sign in to add supporters.
demo-crowd-empty = No petition is gathering supporters or open right now. Start one at /petitions/new and launch it.
demo-crowd-caption = Petitions gathering supporters or open
demo-crowd-col-petition = Petition
demo-crowd-col-status = Status
demo-crowd-col-signatures = Signatures
demo-crowd-col-action = Demo supporters
demo-crowd-status-gathering = Gathering initial supporters
demo-crowd-status-open = Open for signatures
demo-crowd-nothing-needed = Threshold reached: nothing to add.
demo-crowd-add = Add { $count } demo supporters
demo-crowd-missing = { $count } missing
demo-crowd-not-found = No such petition
demo-crowd-not-found-text = This petition does not exist or is no longer gathering supporters.
demo-crowd-failed = The demo supporters could not be added right now. Try again in a moment.
