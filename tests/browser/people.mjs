#!/usr/bin/env node
// The people journey in a real browser: sign-up → an administrator verifies the person →
// an official opens the person's data with a stated reason → the person sees it on "Who
// looked at my data". Debian's headless Chromium, driven by playwright-core; axe-core checks
// every page for accessibility violations of impact serious or critical.
//
//   node people.mjs <base-url>
//
// The server must be fresh (no administrator yet: not `--demo`, which creates its own), run
// with DAUYS_FIRST_ADMINISTRATOR_EMAIL set to the administrator's address, and have the body
// E2E_BODY registered (e.g. through POST /api/v1/events with the operator token). The
// administrator and the official are never verified themselves: staff act without it.
//
// Environment (all optional):
//   E2E_CHROMIUM          Chromium binary (default /usr/bin/chromium)
//   E2E_ADMIN_EMAIL       the server's first administrator (DAUYS_FIRST_ADMINISTRATOR_EMAIL;
//                         default admin@example.kz), E2E_ADMIN_PASSWORD
//   E2E_CITIZEN_EMAIL, E2E_CITIZEN_PASSWORD, E2E_OFFICIAL_EMAIL, E2E_OFFICIAL_PASSWORD
//   E2E_BODY              a registered body the official is granted (default akimat-almaty)
//   E2E_ARTIFACTS_DIR     where to write a screenshot and the HTML of each open page on failure
//   E2E_TIMEOUT_MS        how long the whole journey may take (default 240000)
//
// Prints one `ok - …` line per step that passed; on the first failure prints what was
// expected, what the page showed, and exits 1.

import { createHash } from 'node:crypto';
import {
  checkAccessibility,
  checkChrome,
  env,
  expect,
  fail,
  logIn,
  path,
  pollMe,
  run,
  signUp,
  step,
  submit,
  text,
  url,
  visit,
} from './harness.mjs';

const BODY = env('E2E_BODY', 'akimat-almaty');
const admin = { email: env('E2E_ADMIN_EMAIL', 'admin@example.kz'), password: env('E2E_ADMIN_PASSWORD', 'correct horse battery') };
const citizen = {
  email: env('E2E_CITIZEN_EMAIL', 'aigerim@example.kz'),
  password: env('E2E_CITIZEN_PASSWORD', 'aigerim correct horse'),
  // A valid IIN (born 1990-03-15, a woman of the 20th century) and her names.
  iin: '900315401233',
  givenName: 'Айгерім',
  familyName: 'Сейітова',
  region: 'almaty-city',
};
const official = { email: env('E2E_OFFICIAL_EMAIL', 'official@example.kz'), password: env('E2E_OFFICIAL_PASSWORD', 'official correct horse') };
const PURPOSE = 'Answer to appeal A-17';
// The name the official answers under in public, given with the role.
const OFFICIAL_NAME = 'Ерлан Асқаров, бас маман';
const NOBODY_IIN = '870412300416';
const CASE = 'A-17';
const HIDDEN_PURPOSE = 'Check for case 2026-0042';
const HIDDEN_CASE = '2026-0042';

// Everyone signs up in English, although the browsers ask for Kazakh.
const SIGNUP = '/signup?lang=en';

/** The index of the "see on the log" link in the notice of an opened record. */
async function logIndexOnPage(page, scope) {
  const href = await page.getAttribute(`${scope} a[href^="/log/"]`, 'href').catch(() => null);
  expect(href, `${path(page)}: no link to /log/<index> in ${scope}`);
  return Number(href.slice('/log/'.length));
}

/** Fills the form on /office to open `subject` (an IIN or an account id) and sends it. */
async function submitOpening(page, subject, basis, purpose, caseRef) {
  await visit(page, '/office');
  await checkChrome(page);
  await page.fill('#account', subject);
  const bodies = await page.$$eval('#body option', (os) => os.map((o) => o.value));
  expect(bodies.includes(BODY), `/office/person: #body offers [${bodies}], expected ${BODY}`);
  const bases = await page.$$eval('#basis option', (os) => os.map((o) => o.value));
  expect(bases.includes(basis), `/office/person: #basis offers [${bases}], expected ${basis}`);
  await page.selectOption('#body', BODY);
  await page.selectOption('#basis', basis);
  await page.fill('#purpose', purpose);
  await page.fill('#case', caseRef);
  const opened = await submit(page, '#open');
  expect(opened.status() === 200, `opening ${subject}'s data (${basis}): status ${opened.status()}`);
  // The form posts: an IIN never appears in an address.
  expect(!page.url().includes(subject), `opening ${subject}: the address ${page.url()} holds it`);
}

async function openRecord(page, subject, basis, purpose, caseRef) {
  await submitOpening(page, subject, basis, purpose, caseRef);
  const record = await text(page, '#opened-record');
  expect(record.includes(citizen.iin), `#opened-record does not show the IIN ${citizen.iin}: "${record}"`);
  expect(
    record.includes(citizen.givenName) && record.includes(citizen.familyName),
    `#opened-record does not show "${citizen.givenName} ${citizen.familyName}": "${record}"`,
  );
  return logIndexOnPage(page, 'main');
}

/** On the administrator's page `a`: follows the verify link of `id` and fills the form. */
async function verifyInPerson(a, id, who) {
  await visit(a, '/admin/people');
  await submit(a, `#people a[href="/admin/people/${id}/verify"]`);
  expect(new URL(a.url()).pathname === `/admin/people/${id}/verify`, `following the verify link led to ${path(a)}`);
  await checkChrome(a);
  const regions = await a.$$eval('#region option', (os) => os.map((o) => o.value));
  for (const r of ['astana', 'almaty-city', 'akmola']) {
    expect(regions.includes(r), `verify form: #region offers [${regions}], expected ${r}`);
  }
  await checkAccessibility(a, '/admin/people/{id}/verify');
  await a.fill('#iin', who.iin);
  await a.fill('#given_name', who.givenName);
  await a.fill('#family_name', who.familyName);
  await a.selectOption('#region', who.region);
  if (who.district) await a.fill('#district', who.district);
  const verified = await submit(a, '#verify');
  expect(
    verified.status() === 200 && new URL(a.url()).pathname === '/admin/people',
    `verifying ${id}: ended at ${path(a)} with status ${verified.status()}, expected /admin/people`,
  );
  expect(!(await a.$(`#people a[href="/admin/people/${id}/verify"]`)), `/admin/people still offers to verify ${id}`);
}

await run(async (newPage) => {
  // Three people, three browsers' worth of cookies. The browsers ask for Kazakh first;
  // `?lang=en` on the first page switches to English and the `lang` cookie keeps it.
  const a = await newPage('admin');
  const b = await newPage('citizen');
  const c = await newPage('official');

  await step('the default language is Kazakh (Accept-Language kk), ?lang=en switches and is remembered', async () => {
    await visit(b, '/login');
    await checkChrome(b, 'kk');
    await visit(b, '/login?lang=en');
    await checkChrome(b, 'en');
    await visit(b, '/login');
    await checkChrome(b, 'en');
  });

  let adminId;
  await step(`the first administrator ${admin.email} signs up and signs in`, async () => {
    await signUp(a, admin, SIGNUP);
    await checkAccessibility(a, '/login?created=1');
    // A wrong password first: the form again, with the error.
    await a.fill('#email', admin.email);
    await a.fill('#password', 'not the password at all');
    const wrong = await submit(a, '#submit');
    expect([401, 422].includes(wrong.status()), `wrong password: status ${wrong.status()}, expected 401 or 422`);
    expect(await a.isVisible('#form-error'), `wrong password: no visible #form-error on ${path(a)}`);
    await checkAccessibility(a, '/login (wrong password)');
    await logIn(a, admin);
    await pollMe(a, '#roles', (r) => r.includes('Administrator'), 'to include "Administrator"');
    adminId = await text(a, '#account-id');
    expect(/^u-[0-9a-f]{16}$/.test(adminId), `#account-id "${adminId}" does not look like u-<16 hex>`);
    const status = await text(a, '#verification-status');
    expect(status === 'Not verified yet', `/me of the administrator: #verification-status is "${status}"`);
    expect(await a.$('a[href="/admin/people"]'), '/me of an administrator has no link to /admin/people');
    await checkAccessibility(a, '/me (administrator)');
  });

  let citizenId;
  await step(`the citizen ${citizen.email} signs up, is not verified and nobody looked at her data`, async () => {
    await signUp(b, citizen, SIGNUP);
    await checkAccessibility(b, '/signup');
    await logIn(b, citizen);
    citizenId = await text(b, '#account-id');
    expect(/^u-[0-9a-f]{16}$/.test(citizenId), `#account-id "${citizenId}" does not look like u-<16 hex>`);
    expect((await text(b, '#email')) === citizen.email, `/me: #email is not ${citizen.email}`);
    const status = await text(b, '#verification-status');
    expect(status === 'Not verified yet', `/me: #verification-status is "${status}", expected "Not verified yet"`);
    expect(!(await b.$('#full-name')), '/me of an unverified person shows #full-name');
    const roles = await text(b, '#roles');
    expect(roles === 'Citizen', `/me: #roles is "${roles}", expected "Citizen"`);
    for (const href of ['/me/access', '/me/data.json']) {
      expect(await b.$(`a[href="${href}"]`), `/me has no link to ${href}`);
    }
    for (const href of ['/admin/people', '/office']) {
      expect(!(await b.$(`a[href="${href}"]`)), `/me of a citizen links to ${href}`);
    }
    expect(await b.$('form[action="/logout"] button'), '/me has no sign-out form');
    expect(await b.$('form[action="/logout"] input[name="everywhere"][value="1"]'), '/me has no "sign out everywhere" form');
    await checkAccessibility(b, '/me (citizen, not verified)');
    await visit(b, '/verify');
    await checkChrome(b);
    await checkAccessibility(b, '/verify');
    await visit(b, '/me/access');
    await checkChrome(b);
    expect(await b.isVisible('#no-openings'), '/me/access: no #no-openings before any opening');
    expect(!(await b.$('#openings')), '/me/access: #openings before any opening');
    await checkAccessibility(b, '/me/access (none)');
  });

  let officialId;
  await step(`the official-to-be ${official.email} signs up`, async () => {
    await signUp(c, official, SIGNUP);
    await logIn(c, official);
    officialId = await text(c, '#account-id');
    expect(/^u-[0-9a-f]{16}$/.test(officialId), `#account-id "${officialId}" does not look like u-<16 hex>`);
    expect(new Set([adminId, citizenId, officialId]).size === 3, 'two accounts share an id');
  });

  await step(`the administrator makes ${officialId} an official of ${BODY}`, async () => {
    await visit(a, '/admin/people');
    await checkChrome(a);
    const ids = await a.$$eval('#people code', (cs) => cs.map((c) => c.textContent.trim()));
    for (const id of [adminId, citizenId, officialId]) {
      expect(ids.includes(id), `/admin/people: #people does not list ${id} (it lists ${ids.join(', ')})`);
    }
    expect(
      await a.$(`#people a[href="/admin/people/${citizenId}/verify"]`),
      `/admin/people: no link to /admin/people/${citizenId}/verify`,
    );
    const roles = await a.$$eval('#role option', (os) => os.map((o) => o.value));
    for (const r of ['moderator', 'official', 'head', 'auditor', 'administrator']) {
      expect(roles.includes(r), `/admin/people: #role offers [${roles}], expected ${r}`);
    }
    // Registered bodies show up once the sequencer has committed them.
    const deadline = Date.now() + 15000;
    for (;;) {
      const bodies = await a.$$eval('#body option', (os) => os.map((o) => o.value));
      expect(bodies[0] === '', `/admin/people: the first #body option is "${bodies[0]}", expected empty`);
      if (bodies.includes(BODY)) break;
      if (Date.now() > deadline) fail(`/admin/people: #body offers [${bodies}], expected ${BODY} (is it registered?)`);
      await a.waitForTimeout(500);
      await visit(a, '/admin/people');
    }
    await checkAccessibility(a, '/admin/people');
    await a.fill('#account', officialId);
    await a.selectOption('#role', 'official');
    await a.selectOption('#body', BODY);
    await a.fill('#name', OFFICIAL_NAME);
    const granted = await submit(a, '#grant');
    expect(
      granted.status() === 200 && new URL(a.url()).pathname === '/admin/people',
      `granting the role: ended at ${path(a)} with status ${granted.status()}, expected /admin/people`,
    );
    const roles2 = await pollMe(c, '#roles', (r) => r.includes('Official'), 'to include "Official"');
    expect(roles2.includes(BODY), `/me of the official: #roles "${roles2}" does not name ${BODY}`);
    expect(await c.$('a[href="/office"]'), '/me of an official has no link to /office');
  });

  await step(`the administrator verifies the citizen ${citizenId} in person`, async () => {
    await verifyInPerson(a, citizenId, citizen);
  });

  await step('the citizen sees she is verified, with her name', async () => {
    await pollMe(b, '#verification-status', (s) => s === 'Verified', '"Verified"');
    const name = await text(b, '#full-name');
    expect(
      name.includes(citizen.givenName) && name.includes(citizen.familyName),
      `/me: #full-name is "${name}", expected "${citizen.givenName} ${citizen.familyName}"`,
    );
    await checkAccessibility(b, '/me (citizen, verified)');
    // The verification is on the public log, without her name or IIN.
    const href = await b.getAttribute('main a[href^="/log/"]', 'href').catch(() => null);
    expect(href && /^\/log\/\d+$/.test(href), `/me: the verification's link to the log is ${href}, expected /log/<index>`);
    await visit(b, href);
    const entry = await b.content();
    for (const secret of [citizen.iin, citizen.givenName, citizen.familyName, citizen.email]) {
      expect(!entry.includes(secret), `${href} (public) shows "${secret}"`);
    }
  });

  let shownIndex;
  let hiddenIndex;
  await step('the official opens her data for appeal A-17, then for a criminal investigation', async () => {
    await visit(c, '/office');
    await checkAccessibility(c, '/office');
    shownIndex = await openRecord(c, citizen.iin, 'appeal-consideration', PURPOSE, CASE);
    await checkAccessibility(c, '/office/person (opened record)');
    // An IIN with no account here: the search itself is logged, and says so.
    await submitOpening(c, NOBODY_IIN, 'appeal-consideration', PURPOSE, CASE);
    const none = await text(c, '#no-account');
    expect(none.includes('No one with this IIN'), `/office/person for an IIN with no account: "${none}"`);
    expect((await logIndexOnPage(c, '#no-account')) > shownIndex, 'the search with no account is not on the log');
    hiddenIndex = await openRecord(c, citizenId, 'criminal-investigation', HIDDEN_PURPOSE, HIDDEN_CASE);
    expect(hiddenIndex > shownIndex, `the second opening is at /log/${hiddenIndex}, not after /log/${shownIndex}`);
    // The form itself, for the accessibility check.
    await visit(c, `/office/person?account=${encodeURIComponent(citizenId)}`);
    await checkChrome(c);
    await checkAccessibility(c, '/office/person (form)');
  });

  await step('"Who looked at my data" lists the appeal opening and not (yet) the criminal investigation', async () => {
    await visit(b, '/me/access');
    await checkChrome(b);
    expect(!(await b.$('#no-openings')), '/me/access: #no-openings after an opening');
    const rows = await b.$$('#openings tbody tr');
    expect(rows.length === 1, `/me/access: #openings has ${rows.length} rows, expected exactly 1 (the criminal investigation must be hidden for 180 days)`);
    const row = await rows[0].innerText();
    expect(row.includes(PURPOSE) && row.includes(CASE), `/me/access: the row does not show "${PURPOSE}" (${CASE}): "${row}"`);
    expect(row.includes(officialId) && row.includes(OFFICIAL_NAME), `/me/access: the row does not name the official "${OFFICIAL_NAME}" (${officialId}): "${row}"`);
    expect(!row.includes(HIDDEN_PURPOSE), `/me/access shows the criminal investigation's purpose: "${row}"`);
    const href = await rows[0].$eval('a[href^="/log/"]', (l) => l.getAttribute('href'));
    expect(href === `/log/${shownIndex}`, `/me/access links to ${href}, expected /log/${shownIndex}`);
    // A way to dispute it: a complaint to the body, filled in with which opening it is.
    const dispute = await rows[0].$eval('a.dispute', (l) => l.getAttribute('href')).catch(() => null);
    expect(dispute && dispute.startsWith('/appeals/new?') && dispute.includes('kind=complaint') && dispute.includes(encodeURIComponent(`${shownIndex}`)),
      `/me/access: the dispute link is ${dispute}, expected a complaint naming entry ${shownIndex}`);
    // "How to check it yourself": recompute the commitment from P and the nonce.
    const codes = await rows[0].$$eval('details dd code', (cs) => cs.map((c) => c.textContent.trim()));
    expect(codes.length === 3, `/me/access: the details hold ${codes.length} values, expected P, nonce, subject`);
    const [p, nonce, subject] = codes;
    const recomputed = createHash('sha256')
      .update(Buffer.concat([Buffer.from('dauys/data-opening/v1'), Buffer.from([0]), Buffer.from(p), Buffer.from([0]), Buffer.from(nonce, 'hex')]))
      .digest('hex');
    expect(recomputed === subject, `/me/access: SHA-256("dauys/data-opening/v1"‖0‖P‖0‖nonce) = ${recomputed}, but subject is ${subject}`);
    await checkAccessibility(b, '/me/access (one opening)');
    await b.click(`#openings a[href="/log/${shownIndex}"]`);
    await b.waitForURL(url(`/log/${shownIndex}`));
    const entry = await b.content();
    expect(entry.includes(subject), `/log/${shownIndex} does not show the subject ${subject}`);
    expect(entry.includes(PURPOSE), `/log/${shownIndex} does not show the purpose`);
    for (const secret of [citizen.iin, citizenId, citizen.familyName]) {
      expect(!entry.includes(secret), `/log/${shownIndex} (public) shows "${secret}"`);
    }
  });

  await step(`the hidden opening is on the public log at once (/log/${hiddenIndex})`, async () => {
    await visit(b, `/log/${hiddenIndex}`);
    await checkChrome(b);
    const entry = await b.content();
    expect(entry.includes(officialId), `/log/${hiddenIndex} does not name the official ${officialId}`);
    for (const secret of [citizen.iin, citizenId, citizen.familyName]) {
      expect(!entry.includes(secret), `/log/${hiddenIndex} (public) shows "${secret}"`);
    }
  });

  await step('a citizen is refused the administrators\' and officials\' pages', async () => {
    await visit(b, '/admin/people', 403);
    await checkChrome(b);
    await checkAccessibility(b, '/admin/people (403)');
    await visit(b, '/office', 403);
    // The open form is refused as its submit is; and posting it anyway, with the citizen's
    // genuine CSRF token (from her own page) and a real body, as a forged form would, too.
    await visit(b, `/office/person?account=${encodeURIComponent(citizenId)}`, 403);
    expect(!(await b.$('form[action="/office/person"]')), '/office/person shows its form to a citizen');
    await visit(b, '/me');
    const csrf = await b.getAttribute('input[name="csrf"]', 'value');
    expect(csrf, '/me: no csrf field in any form');
    const refused = await b.request.post(url('/office/person'), {
      form: { csrf, account: citizenId, body: BODY, basis: 'appeal-consideration', purpose: PURPOSE, case: CASE },
      maxRedirects: 0,
    });
    const html = await refused.text();
    expect(!html.includes('opened-record'), `POST /office/person by a citizen showed the record (status ${refused.status()})`);
    expect(
      refused.status() === 403 || (refused.status() >= 400 && html.includes('id="form-error"')),
      `POST /office/person by a citizen: status ${refused.status()}, expected 403 or the form error`,
    );
    console.log(`   POST /office/person by a citizen: ${refused.status()}`);
  });

  await step('a form without its CSRF token is refused (POST /me/contacts → 403)', async () => {
    const forged = await b.request.post(url('/me/contacts'), { form: { phone: '+77010000000' }, maxRedirects: 0 });
    expect(forged.status() === 403, `POST /me/contacts without csrf: status ${forged.status()}, expected 403`);
    await visit(b, '/me');
    expect(!(await b.content()).includes('+77010000000'), 'the forged POST /me/contacts changed the phone');
  });

  await step('"Sign out" ends the session', async () => {
    await visit(b, '/me');
    const out = await submit(b, 'form[action="/logout"]:not(:has(input[name="everywhere"])) button[type="submit"]');
    expect(out.status() === 200 && new URL(b.url()).pathname === '/', `signing out ended at ${path(b)} (${out.status()}), expected /`);
    await visit(b, '/me');
    const u = new URL(b.url());
    expect(u.pathname === '/login' && u.searchParams.get('next') === '/me', `/me after signing out led to ${path(b)}, expected /login?next=/me`);
    await visit(b, '/me/access');
    expect(new URL(b.url()).pathname === '/login', `/me/access after signing out led to ${path(b)}, expected /login`);
  });
});
