#!/usr/bin/env node
// Verification through an OpenID Connect provider (how eGov ID connects), in a real browser:
// a citizen signs up, presses "verify through eGov ID", signs in at the provider and comes
// back verified with the provider's name for her; the ledger counts one verification and its
// public pages show neither her IIN nor her name. A second account cannot take the same
// identity, and cancelling at the provider ends on an error page, not a server error.
// Debian's headless Chromium, driven by playwright-core; axe-core on the pages on the way.
//
//   node verify_oidc.mjs <base-url>
//
// The server must be fresh and configured for the provider (DAUYS_OIDC_ISSUER_URL, client id
// and secret, DAUYS_PUBLIC_URL = <base-url> so that the redirect URI is the one the provider
// allows), e.g. tests/oidc-provider run by tests/tests/verify_browser.rs.
//
// Environment:
//   E2E_OIDC_ISSUER       the provider's issuer (required: the login page must be there)
//   E2E_OIDC_LOGIN, E2E_OIDC_PASSWORD, E2E_OIDC_SUB, E2E_OIDC_IIN, E2E_OIDC_GIVEN_NAME,
//   E2E_OIDC_FAMILY_NAME  the provider's test person (default: aigerim of server.mjs)
//   E2E_CHROMIUM, E2E_ARTIFACTS_DIR, E2E_TIMEOUT_MS   as for people.mjs
//
// Prints one `ok - …` line per step that passed; on the first failure prints what was
// expected, what the pages showed, and exits 1.

import {
  checkAccessibility,
  checkChrome,
  checkPublicLogHides,
  env,
  expect,
  fail,
  ledgerCount,
  logIn,
  path,
  run,
  signUp,
  step,
  submit,
  text,
  url,
  visit,
  waitForCount,
} from './harness.mjs';

const issuer = (process.env.E2E_OIDC_ISSUER || '').replace(/\/+$/, '');
if (!/^https?:\/\/[^/]+$/.test(issuer)) {
  console.error('verify_oidc.mjs: set E2E_OIDC_ISSUER to the provider (e.g. http://127.0.0.1:9000)');
  process.exit(2);
}
const person = {
  login: env('E2E_OIDC_LOGIN', 'aigerim'),
  password: env('E2E_OIDC_PASSWORD', 'aigerim-pass'),
  sub: env('E2E_OIDC_SUB', 'egov-test-aigerim'),
  iin: env('E2E_OIDC_IIN', '900315401233'),
  givenName: env('E2E_OIDC_GIVEN_NAME', 'Айгерім'),
  familyName: env('E2E_OIDC_FAMILY_NAME', 'Сейітова'),
};
const first = { email: 'aigerim.first@example.kz', password: 'aigerim correct horse' };
const second = { email: 'aigerim.second@example.kz', password: 'second correct horse' };
// In a browser of its own: the provider remembers who signed in there and would not ask again.
const third = { email: 'cancels@example.kz', password: 'third correct horse' };
const IDENTITY_TAKEN = 'This identity is already verified for another account. One person, one account.';
const NOT_VERIFIED = 'Not verified yet';

/** On /verify: presses `#verify-oidc` and expects the provider's login page. */
async function toProvider(page) {
  await visit(page, '/verify');
  await checkChrome(page);
  expect(await page.$('form[action="/verify/oidc"] #verify-oidc'), '/verify: no #verify-oidc button in a form to /verify/oidc');
  const shown = await submit(page, '#verify-oidc');
  expect(
    page.url().startsWith(`${issuer}/`) && shown.status() === 200,
    `#verify-oidc: ended at ${page.url()} (${shown.status()}), expected the provider's login page under ${issuer}`,
  );
  for (const field of ['#login', '#password', '#submit', '#cancel']) {
    expect(await page.$(field), `the provider's page ${page.url()} has no ${field}`);
  }
}

/**
 * At the provider: clicks `button` (after filling the form when `login` is given) and follows
 * the redirects back to us. Returns the response of /verify/oidc/callback and that request's
 * query.
 */
async function backFromProvider(page, button, login) {
  if (login) {
    await page.fill('#login', login.login);
    await page.fill('#password', login.password);
  }
  const callback = url('/verify/oidc/callback');
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().startsWith(callback), { timeout: 20000 }),
    page.click(button),
  ]);
  await page.waitForURL((u) => u.origin === new URL(callback).origin, { waitUntil: 'load', timeout: 20000 });
  const query = new URL(response.url()).searchParams;
  console.log(`   ${button} at the provider → /verify/oidc/callback?${[...query.keys()].join('&')}: ${response.status()} → ${path(page)}`);
  return { response, query };
}

/** The message of an error page (`main .lead`). */
async function errorText(page) {
  const lead = await page.$('main .lead');
  expect(lead, `${path(page)}: not an error page (no main .lead)`);
  return (await lead.innerText()).trim();
}

await run(async (newPage) => {
  const a = await newPage('first-account');
  const b = await newPage('second-account');
  const c = await newPage('third-account');

  await step('both browsers ask for Kazakh; ?lang=en switches them to English and is remembered', async () => {
    for (const page of [a, b, c]) {
      await visit(page, '/signup');
      await checkChrome(page, 'kk');
      await visit(page, '/signup?lang=en');
      await checkChrome(page, 'en');
    }
  });

  await step(`${first.email} signs up and is offered verification through the identity provider`, async () => {
    await signUp(a, first);
    await logIn(a, first);
    const status = await text(a, '#verification-status');
    expect(status === NOT_VERIFIED, `/me: #verification-status is "${status}", expected "${NOT_VERIFIED}"`);
    expect(await a.$('a#verify-link[href="/verify"]'), '/me of an unverified person has no #verify-link to /verify');
    await visit(a, '/verify');
    await checkChrome(a);
    expect(await a.$('#verify-oidc'), '/verify: no #verify-oidc although the provider is configured');
    await checkAccessibility(a, '/verify');
  });

  let callbackUrl;
  await step(`${first.email} signs in at the provider as ${person.login} and comes back verified`, async () => {
    await toProvider(a);
    const { response } = await backFromProvider(a, '#submit', person);
    callbackUrl = response.url();
    expect(
      [302, 303, 307].includes(response.status()) && response.headers().location === '/me',
      `/verify/oidc/callback: status ${response.status()}, Location ${response.headers().location}, expected a redirect to /me`,
    );
    expect(new URL(a.url()).pathname === '/me', `back from the provider at ${path(a)}, expected /me`);
    await checkChrome(a);
    const status = await text(a, '#verification-status');
    expect(status === 'Verified', `/me: #verification-status is "${status}", expected "Verified"`);
    const name = await text(a, '#full-name');
    const expected = `${person.givenName} ${person.familyName}`;
    expect(name === expected, `/me: #full-name is "${name}", expected "${expected}"`);
    expect(!(await a.$('#verify-link')), '/me of a verified person still offers #verify-link');
    await checkAccessibility(a, '/me (verified through the provider)');
    await visit(a, '/verify');
    expect(await a.$('#already-verified'), '/verify of a verified person: no #already-verified');
    expect(!(await a.$('#verify-oidc')), '/verify of a verified person still offers #verify-oidc');
  });

  await step('the callback cannot be replayed, nor forged with a state this server never issued', async () => {
    const STATE_UNKNOWN = 'This sign-in at the identity provider was not started here or took too long. Start again.';
    const cases = [
      ['replayed', callbackUrl],
      ['forged', url('/verify/oidc/callback?code=made-up&state=made-up')],
    ];
    for (const [what, target] of cases) {
      const r = await a.goto(target, { waitUntil: 'load' });
      const message = await errorText(a);
      expect(
        r.status() >= 400 && r.status() < 500 && message === STATE_UNKNOWN,
        `the ${what} callback: status ${r.status()}, "${message}", expected 4xx with "${STATE_UNKNOWN}"`,
      );
    }
  });

  await step('the ledger counts one verification; its public pages show no IIN, name, e-mail or provider id', async () => {
    await waitForCount(a, 'person.verified', 1);
    const pages = await checkPublicLogHides(a, [person.iin, person.givenName, person.familyName, person.sub, first.email]);
    console.log(`   ${pages} public log pages read`);
  });

  await step(`${second.email} tries the same identity (${person.login}): refused, one person one account`, async () => {
    await signUp(b, second);
    await logIn(b, second);
    await toProvider(b);
    const { response } = await backFromProvider(b, '#submit', person);
    const status = response.status();
    expect(status >= 400 && status < 500, `/verify/oidc/callback for a taken identity: status ${status}, expected 4xx (422)`);
    const message = await errorText(b);
    expect(message === IDENTITY_TAKEN, `the error page says "${message}", expected "${IDENTITY_TAKEN}"`);
    await checkChrome(b);
    await checkAccessibility(b, '/verify/oidc/callback (identity taken)');
    await visit(b, '/me');
    const me = await text(b, '#verification-status');
    expect(me === NOT_VERIFIED, `/me of the second account: #verification-status is "${me}", expected "${NOT_VERIFIED}"`);
    expect(!(await b.$('#full-name')), '/me of the second account shows #full-name');
    const count = await ledgerCount(b, 'person.verified');
    expect(count === 1, `/api/v1/state: counts["person.verified"] is ${count} after the refused attempt, expected 1`);
    // The first account is untouched.
    await visit(a, '/me');
    const still = await text(a, '#verification-status');
    if (still !== 'Verified') fail(`/me of the first account: #verification-status is now "${still}"`);
  });

  await step(`${third.email} cancels at the provider: an error page, not a server error, and not verified`, async () => {
    await signUp(c, third);
    await logIn(c, third);
    await toProvider(c);
    const { response, query } = await backFromProvider(c, '#cancel');
    expect(query.get('error') === 'access_denied', `the provider came back with error=${query.get('error')}, expected access_denied`);
    const status = response.status();
    const message = await errorText(c);
    console.log(`   cancelled: ${status}, "${message}"`);
    expect(status >= 400 && status < 500, `cancelling at the provider: /verify/oidc/callback answered ${status}, expected a 4xx error page`);
    await checkChrome(c);
    await checkAccessibility(c, '/verify/oidc/callback (cancelled)');
    await visit(c, '/me');
    const me = await text(c, '#verification-status');
    expect(me === NOT_VERIFIED, `/me after cancelling: #verification-status is "${me}", expected "${NOT_VERIFIED}"`);
  });
});
