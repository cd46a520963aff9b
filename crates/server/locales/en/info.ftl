# The pages every public service needs: about, help, privacy, accessibility, contact.

info-about-title = About this service
info-about-lead = Dauys is where citizens petition and write to state bodies, and where everyone can see whether the bodies answered on time.
info-about-1-heading = What you can do here
info-about-1-text = Start a petition and gather signatures; sign petitions started by others; write an appeal to a state body and follow it to its answer; see every body's record of answers given on time, late or not at all.
info-about-2-heading = Who runs it
info-about-2-text = The service is run by the operator named on the ledger's page. The state bodies listed here answer petitions and appeals themselves, within the deadlines set by the Administrative Procedural Code and the rules published on the ledger.
info-about-3-heading = Why the figures can be trusted
info-about-3-text = Every public act — a signature, a moderator's decision, an answer, a missed deadline — is an entry in an open, append-only ledger in the formats of Certificate Transparency. Anyone can copy the ledger and recount every count, deadline and figure with the free auditor program; a change to the past would show.
info-about-4-heading = Open source
info-about-4-text = The software is open source. Anyone may read it, run their own copy and check that it does what these pages say.

info-help-title = Help
info-help-lead = How to start, sign and follow a petition, and how to write to a state body.
info-help-1-heading = Signing a petition
info-help-1-text = Create an account, confirm your e-mail and verify that you are a citizen (with eGov ID or a code from the registry). Then press "Sign" on the petition's page. You get a receipt: the ledger entry that holds your signature and a proof that it is in the ledger. Your name is never published; the petition shows a pseudonym and your region.
info-help-2-heading = Starting a petition
info-help-2-text = Write the title and text in one or more languages, choose the body it is addressed to and its level, and save it as a draft. When you launch it, share its link: once enough first supporters sign within the set working days, a moderator checks it and it opens to everyone.
info-help-3-heading = When enough people sign
info-help-3-text = Each level has its threshold of signatures. When a petition reaches it, the body owes an answer within the working days the rules set. The petition's page shows how many working days are left, the answer when it comes, or how many days it is overdue.
info-help-4-heading = Writing to a state body
info-help-4-text = Choose the body and the kind of appeal, write what you ask, and attach files if you need to. The body must answer within fifteen working days unless it extends the deadline and tells you why. You can choose whether the appeal and its answer are public.
info-help-5-heading = Deadlines and overdue answers
info-help-5-text = Deadlines count working days in the deployment's calendar, which is published on the ledger. When a deadline passes without an answer, the ledger records it as overdue and the body's record counts it. Nobody can erase it later.
info-help-6-heading = Checking your signature yourself
info-help-6-text = Your receipt names the ledger entry with your signature. Its page shows the inclusion proof and how to check it on your own computer, or with the auditor program that recounts the whole ledger.

info-privacy-title = Privacy
info-privacy-lead = What this service keeps about you, what it publishes, and how you can see who looked at your data.
info-privacy-1-heading = What we keep
info-privacy-1-text = Your e-mail address, a hash of your password, and, once you verify, your IIN, name and locality. Personal data is encrypted with a key of your own; erasing your account destroys that key.
info-privacy-2-heading = What is public
info-privacy-2-text = Your signature on a petition is public under a pseudonym that differs for each petition, with your region. Your name, IIN and e-mail are never published. An appeal is public only if you choose so.
info-privacy-3-heading = Who may look at your data
info-privacy-3-text = An official may open a person's data only on a published legal basis and for a stated purpose. Every opening is an entry in the public ledger, naming the body, the official and the basis.
info-privacy-4-heading = Who looked at my data
info-privacy-4-text = Your account page lists every opening of your data: when, by which body and official, on what basis and for what purpose.
info-privacy-5-heading = Your rights
info-privacy-5-text = You can download everything the service holds about you and erase your account. Your signatures stay counted, since the ledger cannot change, but nothing links them to you any more.
info-privacy-6-heading = Cookies
info-privacy-6-text = The service sets only the cookies it needs: your session when you sign in, the language you chose, a short-lived cookie that keeps a form's values, and a device cookie that protects sign-in. No tracking, no advertising, no third parties.

info-accessibility-title = Accessibility
info-accessibility-lead = This service is meant for everyone, on any device, in Kazakh, Russian and English.
info-accessibility-1-heading = What we aim for
info-accessibility-1-text = The pages aim to meet WCAG 2.2 at level AA. Every page is tested in a real browser, at phone and desktop widths and in all three languages, with the axe-core checker.
info-accessibility-2-heading = Works without scripts
info-accessibility-2-text = Every page and form works without JavaScript. A small script only refreshes the signature count while you read; without it, reloading the page does the same.
info-accessibility-3-heading = Charts and maps
info-accessibility-3-text = Every chart and map has the same figures as a table, and a text description for screen readers.
info-accessibility-4-heading = Tell us about a problem
info-accessibility-4-text = If something is hard to use, write to us and say which page and what went wrong. We answer within fifteen working days.

info-contact-title = Contact
info-contact-lead = How to reach the people who run this service.
info-contact-1-heading = Questions about the service
info-contact-1-text = Write to the operator at the address below about your account, a problem with the site, or your personal data.
info-contact-2-heading = About a body's answer
info-contact-2-text = The operator does not answer for state bodies. If a body's answer to your appeal does not satisfy you, file a complaint from the appeal's page; it goes to the body above.
info-contact-3-heading = Security
info-contact-3-text = If you find a security flaw, write to the address below before you publish it, so it can be fixed first.
info-contact-write = Write to:
info-contact-unset = This deployment has not published a contact address yet.
