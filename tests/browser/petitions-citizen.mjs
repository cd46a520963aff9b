#!/usr/bin/env node
// A citizen and a petition, in Kazakh, in a real browser: she finds the petition by a word of
// its title, opens it, is asked to sign in, signs, lands on her receipt — where the inclusion
// proof of her signature is checked — and, back on the petition, sees that she has signed.
// Debian's headless Chromium, driven by playwright-core; axe-core checks the list, the
// petition and the receipt for accessibility violations of impact serious or critical.
//
//   node petitions-citizen.mjs <base-url>
//
// The server is set up by tests/tests/petitions_browser.rs: the citizen is verified and
// lives inside the petition's territory; E2E_PETITION_TO_SIGN is open, one signature short
// of its threshold; E2E_PETITION_TO_REJECT is in moderation (public); E2E_PETITION_GATHERING
// still gathers its initial supporters (reachable by link only, so not listed).
//
// Environment:
//   E2E_CITIZEN_EMAIL, E2E_CITIZEN_PASSWORD, E2E_CITIZEN_GIVEN_NAME
//   E2E_PETITION_TO_SIGN, E2E_PETITION_TO_ANSWER, E2E_PETITION_TO_REJECT, E2E_PETITION_GATHERING
//   E2E_SEARCH_KK         a word of the title of E2E_PETITION_TO_SIGN in Kazakh
//   E2E_CHROMIUM, E2E_ARTIFACTS_DIR, E2E_TIMEOUT_MS (see harness.mjs)

import { checkAccessibility, checkChrome, env, expect, fail, path, run, step, visit } from './harness.mjs';
import { clickAndWait, listedPetitions, logInHere, mainText, noMessageIds } from './petitions-common.mjs';

const citizen = {
  email: env('E2E_CITIZEN_EMAIL', 'aigerim@example.kz'),
  password: env('E2E_CITIZEN_PASSWORD', 'aigerim@example.kz correct horse battery'),
  givenName: env('E2E_CITIZEN_GIVEN_NAME', 'Айгерім'),
};
const TO_SIGN = env('E2E_PETITION_TO_SIGN', 'p-signhere22');
const TO_ANSWER = env('E2E_PETITION_TO_ANSWER', 'p-answerme22');
const TO_REJECT = env('E2E_PETITION_TO_REJECT', 'p-rejectme22');
const GATHERING = env('E2E_PETITION_GATHERING', 'p-gathering2');
const WORD = env('E2E_SEARCH_KK', 'аялдама');
const LANG = 'kk';

// Kazakh, as the pages should say it (case-insensitive, a few wordings accepted).
const SIGNED = /қол қойдыңыз|қол қойылды|сіздің қолыңыз/i;
const VERIFIED = /расталды|тексерілді|дәлелденді|сәйкес/i;

await run(async (newPage) => {
  const b = await newPage('citizen');

  await step(`the list of petitions in Kazakh (/petitions?lang=${LANG}) lists public petitions only`, async () => {
    await visit(b, `/petitions?lang=${LANG}`);
    await checkChrome(b, LANG);
    const listed = await listedPetitions(b);
    expect(listed.includes(TO_SIGN), `/petitions lists [${listed}], expected ${TO_SIGN}`);
    expect(listed.includes(TO_ANSWER), `/petitions lists [${listed}], expected ${TO_ANSWER}`);
    expect(listed.includes(TO_REJECT), `/petitions lists [${listed}], expected ${TO_REJECT} (in moderation, public)`);
    expect(!listed.includes(GATHERING), `/petitions lists ${GATHERING}, which is still gathering its supporters (link only)`);
    await checkAccessibility(b, '/petitions (kk)');
  });

  await step(`she searches for "${WORD}" and finds the petition`, async () => {
    const search = b.getByRole('search');
    expect((await search.count()) === 1, `/petitions: ${await search.count()} search forms (role=search), expected 1`);
    const field = search.getByRole('searchbox');
    expect((await field.count()) === 1, '/petitions: the search form has no single search box');
    const label = await field.evaluate((e) => (e.labels?.[0]?.textContent || '').trim());
    expect(label && !/^pp-/.test(label), `/petitions: the search box's label is "${label}"`);
    await field.fill(WORD);
    await clickAndWait(b, search.getByRole('button'), 'the search button');
    const u = new URL(b.url());
    expect(u.pathname === '/petitions', `searching led to ${path(b)}, expected /petitions?…`);
    expect([...u.searchParams.values()].includes(WORD), `the search is not in the address: ${path(b)}`);
    await checkChrome(b, LANG);
    const listed = await listedPetitions(b);
    expect(listed.length === 1 && listed[0] === TO_SIGN, `searching "${WORD}" lists [${listed}], expected only ${TO_SIGN}`);
    const kept = await b.getByRole('search').getByRole('searchbox').inputValue();
    expect(kept === WORD, `after searching, the search box holds "${kept}"`);
    await checkAccessibility(b, '/petitions?q=… (search results, kk)');
    await clickAndWait(b, b.locator(`main a[href="/petitions/${TO_SIGN}"]`).first(), `the link to ${TO_SIGN}`);
    expect(new URL(b.url()).pathname === `/petitions/${TO_SIGN}`, `the result's link led to ${path(b)}`);
    await checkChrome(b, LANG);
    await noMessageIds(b);
    await checkAccessibility(b, `/petitions/${TO_SIGN} (kk, signed out)`);
  });

  await step('asked to sign in, she signs in and comes back to the petition', async () => {
    // Signed out, the signing box offers to sign in instead of the button.
    const box = b.locator('#sign');
    expect(await box.count(), `/petitions/${TO_SIGN}: no signing box (#sign)`);
    expect(!(await box.getByRole('button').count()), `/petitions/${TO_SIGN} offers a sign button to a visitor who is signed out`);
    await clickAndWait(b, box.getByRole('link').first(), 'the sign-in link in the signing box');
    const u = new URL(b.url());
    expect(u.pathname === '/login', `the sign-in link led to ${path(b)}, expected /login?next=…`);
    expect(
      u.searchParams.get('next') === `/petitions/${TO_SIGN}`,
      `the sign-in page's next is "${u.searchParams.get('next')}", expected /petitions/${TO_SIGN}`,
    );
    await logInHere(b, citizen, LANG);
    expect(
      new URL(b.url()).pathname === `/petitions/${TO_SIGN}`,
      `after signing in she is at ${path(b)}, expected /petitions/${TO_SIGN}`,
    );
    expect(!(await b.locator('#already-signed').count()), `/petitions/${TO_SIGN} says she has signed before she signed`);
  });

  let receiptUrl;
  await step('she signs and lands on her receipt, whose inclusion proof is verified', async () => {
    const response = await clickAndWait(b, b.locator('#sign').getByRole('button'), 'the sign button');
    expect(response.status() === 200, `signing: status ${response.status()} at ${path(b)}:\n${await mainText(b)}`);
    const u = new URL(b.url());
    expect(u.pathname === `/petitions/${TO_SIGN}/receipt`, `signing led to ${path(b)}, expected /petitions/${TO_SIGN}/receipt:\n${await mainText(b)}`);
    receiptUrl = u.pathname + u.search;
    await checkChrome(b, LANG);
    await noMessageIds(b);
    // Where the signature is: its log entry, leaf hash, and her first name and initial only.
    const entry = await b.locator('#log-index a[href^="/log/"]').getAttribute('href').catch(() => null);
    expect(entry && /^\/log\/\d+$/.test(entry), `the receipt has no link to its log entry (#log-index a[href=/log/<index>])`);
    const leaf = (await b.locator('#leaf-hash').innerText().catch(() => '')).trim();
    expect(/^[0-9a-f]{64}$/.test(leaf), `the receipt's #leaf-hash is "${leaf}", expected 64 hex digits`);
    const shownAs = (await b.locator('#shown-as').innerText().catch(() => '')).trim();
    expect(shownAs.startsWith(citizen.givenName), `the receipt shows her as "${shownAs}", expected "${citizen.givenName} …"`);
    // The inclusion proof: pending until the next checkpoint (a second), then verified.
    const deadline = Date.now() + 15000;
    while (!(await b.locator('#proof-verified').count())) {
      expect(!(await b.locator('#proof-failed').count()), `the receipt says the proof failed:\n${await mainText(b)}`);
      if (Date.now() > deadline) fail(`the receipt's proof is not verified (#proof-verified) after 15 s:\n${await mainText(b)}`);
      await b.waitForTimeout(500);
      await b.reload({ waitUntil: 'load' });
    }
    const verified = (await b.locator('#proof-verified').innerText()).trim();
    expect(VERIFIED.test(verified), `#proof-verified says "${verified}", expected ${VERIFIED} in Kazakh`);
    const size = Number((await b.locator('#checkpoint-size').innerText()).trim());
    expect(size > Number(entry.slice('/log/'.length)), `the checkpoint of ${size} entries does not cover ${entry}`);
    const root = (await b.locator('#checkpoint-root').innerText()).trim();
    expect(/^[0-9a-f]{64}$/.test(root), `#checkpoint-root is "${root}"`);
    // The signed checkpoint itself, behind a disclosure.
    const details = b.locator('#proof details');
    if (await details.count()) {
      await details.first().locator('summary').click();
      expect((await details.first().innerText()).includes('\u2014'), 'the signed checkpoint note has no signature line (— …)');
    }
    await checkAccessibility(b, `/petitions/${TO_SIGN}/receipt (kk)`);
  });

  await step('back on the petition she sees that she has signed, and no sign button', async () => {
    await visit(b, `/petitions/${TO_SIGN}`);
    await b.reload({ waitUntil: 'load' });
    await checkChrome(b, LANG);
    const signed = b.locator('#already-signed');
    expect(await signed.count(), `/petitions/${TO_SIGN} does not say she has signed (#already-signed):\n${await mainText(b)}`);
    const said = (await signed.innerText()).trim();
    expect(SIGNED.test(said), `#already-signed says "${said}", expected ${SIGNED} in Kazakh`);
    expect(!(await b.locator('#sign').getByRole('button').count()), `/petitions/${TO_SIGN} still offers to sign after she signed`);
    const receipt = await signed.getByRole('link').getAttribute('href').catch(() => null);
    expect(receipt === `/petitions/${TO_SIGN}/receipt`, `#already-signed links to ${receipt}, expected her receipt (${receiptUrl})`);
    await noMessageIds(b);
    await checkAccessibility(b, `/petitions/${TO_SIGN} (kk, signed)`);
  });

  await step('signing again is refused, and leads to the same receipt', async () => {
    // No sign form is left to submit: post it as a second tab or a replayed form would, with
    // the session's genuine CSRF token (from the sign-out form on /me).
    await visit(b, '/me');
    const csrf = await b.getAttribute('form[action="/logout"] input[name="csrf"]', 'value').catch(() => null);
    expect(csrf, '/me: no csrf field in the sign-out form');
    const again = await b.request.post(`${new URL(b.url()).origin}/petitions/${TO_SIGN}/sign`, { form: { csrf }, maxRedirects: 0 });
    const location = again.headers()['location'] || '';
    expect(
      (again.status() >= 300 && again.status() < 400 && location.includes(`/petitions/${TO_SIGN}/receipt`)) ||
        again.status() === 409,
      `a second POST /petitions/${TO_SIGN}/sign: status ${again.status()} → "${location}", expected a redirect to the receipt or 409`,
    );
  });
});
