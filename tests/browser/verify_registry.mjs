#!/usr/bin/env node
// Verification from a registry with a one-time code, in a real browser: the first
// administrator imports a registry file (a file with a bad row is refused whole); a citizen
// asks for a code for her IIN, which the file mail sender delivers to the address the
// registry lists; she enters it and is verified with the registry's name for her. Asking for
// a code for an IIN that is not listed looks the same and sends nothing; a wrong code is
// refused. Debian's headless Chromium, driven by playwright-core; axe-core on the pages.
//
//   node verify_registry.mjs <base-url>
//
// The server must be fresh (no administrator yet) and run with
// DAUYS_FIRST_ADMINISTRATOR_EMAIL set to the administrator's address and the file mail sender
// writing to E2E_MAIL_DIR (by default `<data_dir>/mail`), which must be empty.
//
// Environment:
//   E2E_MAIL_DIR          where the server writes each message as <id>.eml (required)
//   E2E_ADMIN_EMAIL       the first administrator (default admin@example.kz), E2E_ADMIN_PASSWORD
//   E2E_CHROMIUM, E2E_ARTIFACTS_DIR, E2E_TIMEOUT_MS   as for people.mjs
//
// Prints one `ok - …` line per step that passed; on the first failure prints what was
// expected, what the pages showed, and exits 1.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  checkAccessibility,
  checkChrome,
  checkPublicLogHides,
  env,
  expect,
  ledgerCount,
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
  waitForCount,
} from './harness.mjs';

const MAIL_DIR = process.env.E2E_MAIL_DIR;
if (!MAIL_DIR) {
  console.error('verify_registry.mjs: set E2E_MAIL_DIR to the directory the server writes mail to');
  process.exit(2);
}
const admin = { email: env('E2E_ADMIN_EMAIL', 'admin@example.kz'), password: env('E2E_ADMIN_PASSWORD', 'correct horse battery') };
const citizen = { email: 'nurlan.account@example.kz', password: 'nurlan correct horse' };
const HEADER = 'iin,given_name,family_name,locality,email';
const nurlan = { iin: '851102304561', givenName: 'Нұрлан', familyName: 'Жақсыбеков', locality: 'akmola/kokshetau', email: 'nurlan@example.kz' };
const dana = { iin: '040721607896', givenName: 'Дана', familyName: 'Омарова', locality: 'astana', email: 'dana@example.kz' };
// In the refused file only: never imported, so asking for her code must send nothing.
const aigerim = { iin: '900315401233', givenName: 'Айгерім', familyName: 'Сейітова', locality: 'almaty-city', email: 'aigerim@example.kz' };
const row = (p) => [p.iin, p.givenName, p.familyName, p.locality, p.email].join(',');
const GOOD_CSV = [HEADER, row(nurlan), row(dana)].join('\n') + '\n';
// Line 3: Дана's IIN with its check digit changed.
const BAD_IIN = `${dana.iin.slice(0, 11)}${(Number(dana.iin[11]) + 1) % 10}`;
const BAD_CSV = [HEADER, row(aigerim), row({ ...dana, iin: BAD_IIN })].join('\n') + '\n';
const WRONG_CODE = 'The code is wrong, expired or already used. Ask for a new one.';
const NOT_VERIFIED = 'Not verified yet';

/** The registry-code messages in the mail directory, oldest first: { file, to, body }.
 * (Sign-ups also send address confirmations to the accounts' own addresses; they are not
 * what this journey checks.) */
function mails() {
  return allMails().filter((m) => m.head.includes('Your Dauys verification code'));
}

function allMails() {
  let names;
  try {
    names = readdirSync(MAIL_DIR);
  } catch (e) {
    if (e.code === 'ENOENT') return [];
    throw e;
  }
  return names
    .filter((n) => n.endsWith('.eml'))
    .sort()
    .map((file) => {
      const raw = readFileSync(join(MAIL_DIR, file), 'utf8');
      const split = raw.indexOf('\r\n\r\n');
      const head = split < 0 ? raw : raw.slice(0, split);
      const to = /^To: (.*)$/m.exec(head)?.[1]?.trim();
      return { file, to, head, body: split < 0 ? '' : raw.slice(split + 4) };
    });
}

/** Waits up to `ms` for the mail directory to hold a message; returns them all. */
async function waitForMail(page, ms) {
  const started = Date.now();
  for (;;) {
    const found = mails();
    if (found.length > 0) {
      console.log(`   mail after ${Date.now() - started} ms: ${found.map((m) => `${m.file} to ${m.to}`).join(', ')}`);
      return found;
    }
    if (Date.now() - started > ms) fail(`no message in ${MAIL_DIR} within ${ms} ms`);
    await page.waitForTimeout(100);
  }
}

/** On /verify/registry (fresh): asks for a code for `iin`; returns the #code-sent text. */
async function askForCode(page, iin) {
  await visit(page, '/verify/registry');
  await page.fill('#iin', iin);
  const r = await submit(page, '#send-code');
  expect(r.status() === 200, `asking for a code for ${iin}: status ${r.status()}, expected 200`);
  expect(await page.isVisible('#code-sent'), `asking for a code for ${iin}: no visible #code-sent on ${path(page)}`);
  expect(!(await page.$('#form-error')), `asking for a code for ${iin}: #form-error "${await text(page, '#form-error').catch(() => '')}"`);
  expect(await page.$('#code') && (await page.$('#redeem')), `after asking for a code for ${iin}: no #code field and #redeem button`);
  return text(page, '#code-sent');
}

/** On the code form: enters `iin` and `code` and presses #redeem; returns the response. */
async function redeem(page, iin, code) {
  await page.fill('#iin', iin);
  await page.fill('#code', code);
  return submit(page, '#redeem');
}

await run(async (newPage) => {
  const a = await newPage('admin');
  const b = await newPage('citizen');

  await step('both browsers switch to English with ?lang=en', async () => {
    for (const page of [a, b]) {
      await visit(page, '/signup?lang=en');
      await checkChrome(page, 'en');
    }
    expect(mails().length === 0, `${MAIL_DIR} is not empty at the start`);
  });

  await step(`the first administrator ${admin.email} signs up and becomes Administrator`, async () => {
    await signUp(a, admin);
    await logIn(a, admin);
    await pollMe(a, '#roles', (r) => r.includes('Administrator'), 'to include "Administrator"');
    expect(await a.$('a[href="/admin/registry"]'), '/me of an administrator has no link to /admin/registry');
  });

  await step('a registry file with a bad IIN is refused whole, naming the line', async () => {
    await visit(a, '/admin/registry');
    await checkChrome(a);
    await checkAccessibility(a, '/admin/registry');
    await a.fill('#csv', BAD_CSV);
    const r = await submit(a, '#import');
    expect(r.status() === 422, `importing the bad file: status ${r.status()}, expected 422`);
    expect(await a.isVisible('#form-error'), `importing the bad file: no visible #form-error on ${path(a)}`);
    const error = await text(a, '#form-error');
    console.log(`   #form-error: ${error.replace(/\s+/g, ' ')}`);
    expect(/\bline 3\b/.test(error), `#form-error does not name line 3 (the bad IIN ${BAD_IIN}): "${error}"`);
    expect(!/\bline 2\b/.test(error), `#form-error names line 2, which is valid: "${error}"`);
    expect(!(await a.$('#imported')), 'importing the bad file shows #imported');
    await checkAccessibility(a, '/admin/registry (refused file)');
    const imported = await ledgerCount(a, 'registry.imported');
    expect(imported === 0, `/api/v1/state: counts["registry.imported"] is ${imported} after the refused file, expected 0`);
  });

  let importIndex;
  await step('the administrator imports a registry of 2 people', async () => {
    await visit(a, '/admin/registry');
    await a.fill('#csv', GOOD_CSV);
    const r = await submit(a, '#import');
    expect(r.status() === 200, `importing: status ${r.status()}, expected 200`);
    expect(!(await a.$('#form-error')), `importing: #form-error "${await text(a, '#form-error').catch(() => '')}"`);
    expect(await a.isVisible('#imported'), `importing: no visible #imported on ${path(a)}`);
    const count = await text(a, '#imported strong');
    expect(count === '2', `#imported says ${count} records, expected 2`);
    await checkAccessibility(a, '/admin/registry (imported)');
    const href = await a.getAttribute('#imported a[href^="/log/"]', 'href').catch(() => null);
    expect(href && /^\/log\/\d+$/.test(href), `#imported links to ${href}, expected /log/<index>`);
    importIndex = Number(href.slice('/log/'.length));
    await waitForCount(a, 'registry.imported', 1);
  });

  await step(`the citizen ${citizen.email} signs up and finds the registry way to verify`, async () => {
    await signUp(b, citizen);
    await logIn(b, citizen);
    await visit(b, '/verify');
    await submit(b, '#verify-registry');
    expect(new URL(b.url()).pathname === '/verify/registry', `#verify-registry on /verify led to ${path(b)}`);
    await checkChrome(b);
    expect(await b.$('#iin') && (await b.$('#send-code')), '/verify/registry: no #iin field and #send-code button');
    // A code received earlier can be entered without asking again.
    expect(await b.$('#code') && (await b.$('#redeem')), '/verify/registry: no "I have a code" form (#code, #redeem)');
    await checkAccessibility(b, '/verify/registry');
  });

  let sentText;
  await step(`asking for a code for an IIN the registry does not list (${aigerim.iin}) looks the same and sends nothing`, async () => {
    sentText = await askForCode(b, aigerim.iin);
    console.log(`   #code-sent: ${sentText}`);
  });

  let code;
  await step(`asking for a code for ${nurlan.iin}: it arrives by mail at ${nurlan.email}`, async () => {
    const listed = await askForCode(b, nurlan.iin);
    expect(listed === sentText, `#code-sent differs between a listed and an unlisted IIN:\n  listed: "${listed}"\n  unlisted: "${sentText}"`);
    await checkAccessibility(b, '/verify/registry (code sent)');
    // The outbox sends in order, so a message for the unlisted IIN would come first.
    const found = await waitForMail(b, 5000);
    expect(found.length === 1, `${MAIL_DIR} holds ${found.length} messages, expected 1: ${found.map((m) => `${m.file} to ${m.to}`)}`);
    const [mail] = found;
    expect(mail.to === nurlan.email, `${mail.file} is addressed to "${mail.to}", expected ${nurlan.email} (the registry's address)`);
    const codes = [...new Set(mail.body.match(/(?<!\d)\d{8}(?!\d)/g) ?? [])];
    expect(codes.length === 1, `${mail.file}: expected one 8-digit code in the body, found [${codes}]:\n${mail.body}`);
    [code] = codes;
    for (const secret of [nurlan.iin, nurlan.givenName, nurlan.familyName]) {
      expect(!(mail.head + mail.body).includes(secret), `${mail.file} shows "${secret}"`);
    }
  });

  await step('a wrong code is refused', async () => {
    const wrong = String((Number(code) + 1) % 100000000).padStart(8, '0');
    const r = await redeem(b, nurlan.iin, wrong);
    expect(r.status() === 422, `a wrong code: status ${r.status()}, expected 422`);
    expect(await b.isVisible('#form-error'), `a wrong code: no visible #form-error on ${path(b)}`);
    const error = await text(b, '#form-error');
    expect(error === WRONG_CODE, `a wrong code: #form-error says "${error}", expected "${WRONG_CODE}"`);
    await checkAccessibility(b, '/verify/registry (wrong code)');
    const verified = await ledgerCount(b, 'person.verified');
    expect(verified === 0, `/api/v1/state: counts["person.verified"] is ${verified} after a wrong code, expected 0`);
  });

  await step('the right code verifies the citizen with the registry\'s name for him', async () => {
    // Still on the code form the wrong code left (GET /verify/registry offers no #code field).
    expect(await b.$('#code'), `${path(b)}: no #code field after the wrong code`);
    const r = await redeem(b, nurlan.iin, code);
    expect(
      r.status() === 200 && new URL(b.url()).pathname === '/me',
      `redeeming the code: ended at ${path(b)} with status ${r.status()}, expected /me`,
    );
    await checkChrome(b);
    const status = await text(b, '#verification-status');
    expect(status === 'Verified', `/me: #verification-status is "${status}", expected "Verified"`);
    const name = await text(b, '#full-name');
    const expected = `${nurlan.givenName} ${nurlan.familyName}`;
    expect(name === expected, `/me: #full-name is "${name}", expected "${expected}"`);
    await checkAccessibility(b, '/me (verified from the registry)');
    await waitForCount(b, 'person.verified', 1);
  });

  await step('the code works once: posting it again is refused', async () => {
    await visit(b, '/verify/registry');
    const csrf = await b.getAttribute('form[action="/verify/registry"] input[name="csrf"]', 'value');
    expect(csrf, '/verify/registry: no csrf field in the form');
    const again = await b.request.post(url('/verify/registry'), { form: { csrf, iin: nurlan.iin, code }, maxRedirects: 0 });
    const html = await again.text();
    expect(again.status() === 422 && html.includes(WRONG_CODE), `the spent code posted again: status ${again.status()}, expected 422 with "${WRONG_CODE}"`);
    await waitForCount(b, 'person.verified', 1);
  });

  await step('the public log shows the import and the verification without IINs, names or addresses', async () => {
    await visit(b, `/log/${importIndex}`);
    const secrets = [nurlan, dana, aigerim].flatMap((p) => [p.iin, p.givenName, p.familyName, p.email]);
    const pages = await checkPublicLogHides(b, [...secrets, BAD_IIN, citizen.email, code]);
    console.log(`   ${pages} public log pages read`);
  });
});
