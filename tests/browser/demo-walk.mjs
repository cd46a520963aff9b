#!/usr/bin/env node
// The README's "Walk a petition from draft to answer", in a real browser, on `dauys serve
// --demo` (issue 4's "Done means": a new user starts the demo and walks a petition from draft
// to a signed, published answer in Kazakh or Russian). One browser, as one person at one
// computer: the citizen writes and launches a petition to the Esil district akimat (in
// Kazakh), the demo crowd adds its initial supporters, the moderator accepts it (in Russian),
// the crowd brings it to its threshold, and the official publishes the answer (in Russian);
// the petition's page shows it to anyone.
//
// Debian's headless Chromium, driven by playwright-core; axe-core checks /petitions/new,
// /demo, /moderation and the answered petition's page; then the public face: a shared link
// opened on a phone (390 px) in kk, ru and en, and the home, list and service pages at phone
// and desktop widths.
//
//   node demo-walk.mjs <base-url>
//
// Prints `petition <id>` for tests/tests/demo_browser.rs, which checks the API and
// `dauys audit` afterwards.
//
// Environment: E2E_CHROMIUM, E2E_ARTIFACTS_DIR, E2E_TIMEOUT_MS (see harness.mjs)

import { checkAccessibility, checkChrome, expect, fail, path, run, step, url, visit } from './harness.mjs';
import { choose, clickAndWait, logInTo, mainText, noMessageIds, publishSupportedAnswerInRussian } from './petitions-common.mjs';

// The demo accounts (README.md, "Demo accounts").
const citizen = { email: 'citizen@demo.dauys.kz', password: 'demo citizen password' };
const moderator = { email: 'moderator@demo.dauys.kz', password: 'demo moderator password' };
const official = { email: 'official@demo.dauys.kz', password: 'demo official password' };
const ESIL = 'akimat-astana-esil';
const LEVEL = 'district_akimat';

const TITLE_KK = 'Есіл ауданындағы аулаларға орындықтар қою';
const TEXT_KK = 'Есіл ауданының тұрғындары аулаларға орындықтар мен қоқыс жәшіктерін қоюды сұрайды.';

const ANSWER_TEXT = 'Скамейки и урны будут установлены во дворах района до конца весны.';
const DISCUSSION_TEXT = 'Общественное обсуждение прошло в акимате района, участвовали 25 жителей.';
const HEAD_TEXT = 'Аким района поручил выполнить работы в срок.';

/** The petition's status as its page says it (#petition-status data-status). */
async function pageStatus(page, id, lang) {
  await visit(page, `/petitions/${id}?lang=${lang}`);
  return page.locator('#petition-status').getAttribute('data-status').catch(() => null);
}

/** Reloads the petition's page until its status is `want` (the rules follow the signatures). */
async function waitForStatus(page, id, lang, want, ms = 20000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const status = await pageStatus(page, id, lang);
    if (status === want) return;
    if (Date.now() > deadline) fail(`/petitions/${id}: #petition-status is ${status} after ${ms} ms, expected ${want}`);
    await page.waitForTimeout(250);
  }
}

/** Reloads the petition's page until #obligation-status is `want`. */
async function waitForObligation(page, id, lang, want, ms = 30000) {
  const deadline = Date.now() + ms;
  for (;;) {
    await visit(page, `/petitions/${id}?lang=${lang}`);
    const status = await page.locator('#obligation-status').getAttribute('data-status').catch(() => null);
    if (status === want) return;
    if (Date.now() > deadline) fail(`/petitions/${id}: #obligation-status is ${status} after ${ms} ms, expected ${want}`);
    await page.waitForTimeout(250);
  }
}

/** Signs out from /me (the first sign-out button: this session only). */
async function signOut(page, lang) {
  await visit(page, `/me?lang=${lang}`);
  const button = page.locator('main form[action="/logout"]:not(:has(input[name="everywhere"])) button[type="submit"]');
  await clickAndWait(page, button.first(), 'the sign-out button on /me');
  await visit(page, '/me?lang=' + lang);
  expect(new URL(page.url()).pathname === '/login', `after signing out, /me led to ${path(page)}, expected the sign-in page`);
}

/** On /demo, clicks "Add … demo supporters" for `id`; returns the number the button offered. */
async function addDemoSupporters(page, id, lang, label) {
  await visit(page, `/demo?lang=${lang}`);
  await checkChrome(page, lang);
  await noMessageIds(page);
  expect(await page.locator(`#demo-${id}`).count(), `/demo does not list ${id} (#demo-${id}):\n${await mainText(page)}`);
  const form = page.locator('main form[action="/demo/supporters"]').filter({ has: page.locator(`input[name="petition"][value="${id}"]`) });
  expect(await form.count(), `/demo: no "add demo supporters" form for ${id}:\n${await mainText(page)}`);
  const button = form.getByRole('button');
  const said = (await button.innerText()).trim();
  const offered = Number((said.match(/\d[\d\s\u00a0]*/) || ['0'])[0].replace(/\D/g, ''));
  if (label) await checkAccessibility(page, label);
  const response = await clickAndWait(page, button, `the button "${said}"`);
  expect(response.status() === 200 && new URL(page.url()).pathname === '/demo', `"${said}": status ${response.status()} at ${path(page)}, expected back on /demo`);
  console.log(`   /demo: "${said}" (${offered})`);
  return offered;
}

await run(async (newPage) => {
  const b = await newPage('browser');
  let id;
  let signingKey;

  await step('the citizen signs in (kk) and opens Petitions → Start a petition', async () => {
    await logInTo(b, citizen, 'kk', '/petitions');
    await visit(b, '/petitions?lang=kk');
    await clickAndWait(b, b.locator('header nav a[href="/petitions"], nav a[href="/petitions"]').first(), 'Petitions in the navigation');
    await clickAndWait(b, b.locator('main a[href="/petitions/new"]').first(), 'the link to start a petition');
    expect(new URL(b.url()).pathname === '/petitions/new', `"Start a petition" led to ${path(b)}`);
    await checkChrome(b, 'kk');
    await noMessageIds(b);
    await checkAccessibility(b, '/petitions/new (kk)');
  });

  await step('she writes a petition to the Esil district akimat at the district level, in Kazakh, and saves the draft', async () => {
    const form = b.locator('#draft-form');
    expect(await form.count(), `${path(b)}: no #draft-form`);
    await choose(b, /^Орган$/, ESIL, 'the body', form);
    await choose(b, /^Деңгейі$/, LEVEL, 'the level', form);
    const topics = await b.locator('#topic option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
    expect(topics.length, '/petitions/new: the topic offers nothing');
    await b.selectOption('#topic', topics[0]);
    await b.fill('#title_kk', TITLE_KK);
    await b.fill('#text_kk', TEXT_KK);
    const response = await clickAndWait(b, b.locator('#save-draft'), 'the save-draft button');
    const u = new URL(b.url());
    const m = u.pathname.match(/^\/me\/drafts\/(p-[^/]+)$/);
    expect(response.status() === 200 && m, `saving the draft: status ${response.status()} at ${path(b)}:\n${await mainText(b)}`);
    id = m[1];
    console.log(`petition ${id}`);
    await checkChrome(b, 'kk');
    await noMessageIds(b);
    await checkAccessibility(b, '/me/drafts/… (kk)');
    expect((await b.locator('#petition-status').getAttribute('data-status')) === 'draft', `${path(b)}: not a draft`);
    expect(await b.locator('#draft-private').isVisible(), `${path(b)}: the draft page does not say it is private`);
    expect((await mainText(b)).includes(TITLE_KK), `${path(b)} does not show the title`);
    // Private until launched: its public page does not exist yet.
    const outside = await b.request.get(url(`/petitions/${id}`), { maxRedirects: 0 });
    expect(outside.status() === 404, `/petitions/${id} before the launch: ${outside.status()}, expected 404`);
  });

  await step('she launches it: it gathers its initial supporters, hers the first', async () => {
    await clickAndWait(b, b.locator('#launch-button'), 'the launch button');
    await checkChrome(b, 'kk');
    expect(!(await b.locator('main').getByRole('alert').count()), `launching showed an error:\n${await mainText(b)}`);
    await waitForStatus(b, id, 'kk', 'gathering');
  });

  await step('on /demo (kk) she adds the missing initial supporters: the petition goes to moderation', async () => {
    const offered = await addDemoSupporters(b, id, 'kk', '/demo (kk)');
    expect(offered === 49, `/demo offered ${offered} supporters, the README says 49`);
    await waitForStatus(b, id, 'kk', 'moderation');
  });

  await step('she signs out; the moderator signs in (ru) and accepts it on /moderation', async () => {
    await signOut(b, 'kk');
    await logInTo(b, moderator, 'ru', '/moderation');
    await visit(b, '/moderation?lang=ru');
    await checkChrome(b, 'ru');
    await noMessageIds(b);
    await checkAccessibility(b, '/moderation (ru)');
    const accept = b.locator(`#accept-${id}`);
    expect(await accept.count(), `/moderation: no accept button for ${id} (#accept-${id}):\n${await mainText(b)}`);
    const response = await clickAndWait(b, accept, `the accept button of ${id}`);
    expect(response.status() === 200, `accepting: status ${response.status()} at ${path(b)}:\n${await mainText(b)}`);
    expect(!(await b.locator('main').getByRole('alert').count()), `accepting showed an error:\n${await mainText(b)}`);
    await waitForStatus(b, id, 'ru', 'open');
  });

  await step('the moderator signs out; the citizen signs in and /demo brings the petition to its threshold', async () => {
    await signOut(b, 'ru');
    await logInTo(b, citizen, 'kk', '/demo');
    const offered = await addDemoSupporters(b, id, 'kk');
    expect(offered === 2450, `/demo offered ${offered} supporters, expected 2,450 (the threshold 2,500 less the first 50)`);
    await waitForObligation(b, id, 'kk', 'awaiting');
  });

  await step('the citizen signs out; the official signs in (ru) and makes a signing key in this browser', async () => {
    await signOut(b, 'kk');
    await logInTo(b, official, 'ru', '/office/petitions');
    await visit(b, '/me/keys?lang=ru');
    await checkChrome(b, 'ru');
    await noMessageIds(b);
    await checkAccessibility(b, '/me/keys (ru, no key yet)');
    expect(await b.locator('#no-keys').count(), `/me/keys: the official already holds a key:\n${await mainText(b)}`);
    await clickAndWait(b, b.locator('#make-key'), 'the button that makes a key');
    expect(path(b).startsWith('/me/keys') && (await b.locator('#key-done').count()), `after making a key: at ${path(b)}:\n${await mainText(b)}`);
    const rows = await b.locator('#signing-keys tbody tr').count();
    expect(rows === 1, `/me/keys lists ${rows} keys, expected the one just made`);
    const made = (await b.locator('#signing-keys tbody tr code').first().innerText()).trim();
    expect(/^[0-9a-f]{16}$/.test(made), `the key's id is "${made}"`);
    await b.locator('#browser-key:not([hidden])').waitFor({ timeout: 5000 });
    expect((await b.locator('#browser-key code').innerText()).trim() === made, '#browser-key does not name the key this browser holds');
    await checkAccessibility(b, '/me/keys (ru, a key in force)');
    signingKey = made;
    console.log(`signing key ${made}`);
  });

  await step('the official publishes the answer, signed with that key (ru)', async () => {
    await visit(b, '/office/petitions?lang=ru');
    await checkChrome(b, 'ru');
    const link = b.locator(`main a[href="/office/petitions/${id}/answer"]`);
    await clickAndWait(b, link.first(), `the link to /office/petitions/${id}/answer`);
    await checkChrome(b, 'ru');
    await noMessageIds(b);
    const form = b.locator(`main form[action="/office/petitions/${id}/answer"]`);
    expect(await form.count(), `${path(b)}: no answer form`);
    await publishSupportedAnswerInRussian(b, form, { answer: ANSWER_TEXT, discussion: DISCUSSION_TEXT, head: HEAD_TEXT });
  });

  await step("the official opens a citizen's record from /office only once the opening is signed with that key (ru)", async () => {
    await visit(b, '/office?lang=ru');
    await checkChrome(b, 'ru');
    await noMessageIds(b);
    // The demo citizen's fictional IIN (README.md, "Demo accounts").
    await b.locator('#account').fill('950612401237');
    await b.locator('#purpose').fill('Проверка адреса заявителя петиции');
    await b.locator('#case').fill(id);
    await clickAndWait(b, b.locator('#open'), 'the button that opens the record');
    expect(await b.locator('#sign-act').count(), `${path(b)}: the opening was not shown for signing:\n${await mainText(b)}`);
    expect(!(await b.locator('#opened-record').count()), 'the record was shown before the opening was signed');
    await checkChrome(b, 'ru');
    await noMessageIds(b);
    await checkAccessibility(b, '/office/person (ru, the opening to sign)');
    await clickAndWait(b, b.locator('#sign-act-button'), 'the button that signs the opening');
    expect(await b.locator('#opened-record').count(), `after signing, no record at ${path(b)}:\n${await mainText(b)}`);
    const logged = await b.locator('main a[href^="/log/"]').first().getAttribute('href');
    const entry = await (await b.request.get(url(`/api/v1/entries/${logged.replace('/log/', '')}`))).json();
    expect(entry.type === 'personal_data.opened' && entry.sig?.key === signingKey, `the opening's entry is not signed by ${signingKey}: ${JSON.stringify(entry)}`);
  });

  await step('a spare key made in a second browser waits until the browser that holds the first confirms it (ru)', async () => {
    const spare = await newPage('spare-browser');
    await logInTo(spare, official, 'ru', '/me/keys');
    await clickAndWait(spare, spare.locator('#make-key'), 'the button that makes a key (in the second browser)');
    expect(await spare.locator('#key-waiting').count(), `the spare key is not said to wait:\n${await mainText(spare)}`);
    await noMessageIds(spare);
    await checkAccessibility(spare, '/me/keys (ru, a key waiting)');
    await visit(b, '/me/keys?lang=ru');
    const confirm = b.locator('#keys-waiting form button');
    expect((await confirm.count()) === 1, `/me/keys offers ${await confirm.count()} keys to confirm, expected the spare`);
    await checkAccessibility(b, '/me/keys (ru, a key to confirm)');
    await clickAndWait(b, confirm, 'the button that confirms the spare key');
    expect(await b.locator('#key-done').count(), `confirming the spare: at ${path(b)}:\n${await mainText(b)}`);
    const rows = await b.locator('#signing-keys tbody tr').count();
    expect(rows === 2, `/me/keys lists ${rows} keys, expected the first and the spare`);
    // The second browser now holds a key in force of its own.
    await visit(spare, '/me/keys?lang=ru');
    await spare.locator('#browser-key:not([hidden])').waitFor({ timeout: 5000 });
  });

  await step("the petition's page shows anyone that it is answered, with the answer", async () => {
    const anyone = await newPage('anyone');
    await visit(anyone, `/petitions/${id}?lang=ru`);
    await checkChrome(anyone, 'ru');
    await noMessageIds(anyone);
    const obligation = await anyone.locator('#obligation-status').getAttribute('data-status').catch(() => null);
    expect(obligation === 'answered', `/petitions/${id}: #obligation-status is ${obligation}, expected answered`);
    const shown = await anyone.locator('#obligation-status').innerText();
    expect(/ответ/i.test(shown), `/petitions/${id}: #obligation-status says "${shown}", expected answered (ответ…)`);
    const status = await anyone.locator('#petition-status').getAttribute('data-status');
    console.log(`   petition status ${status}, obligation ${obligation}`);
    const main = await mainText(anyone);
    for (const [what, t] of [
      ['answer', ANSWER_TEXT],
      ['record of the discussion', DISCUSSION_TEXT],
      ["head's statement", HEAD_TEXT],
    ]) {
      expect(main.includes(t), `/petitions/${id} does not show the ${what} "${t}":\n${main}`);
    }
    const decision = (await anyone.locator('#decision').innerText().catch(() => '')).trim();
    expect(/поддерж/i.test(decision), `/petitions/${id}: #decision is "${decision}", expected supported (поддерж…)`);
    // README step 7: the answer's ledger entry, the signatures over time and by region.
    const entry = anyone.locator('#obligation a[href^="/log/"]');
    expect((await entry.count()) >= 2, `/petitions/${id}: #obligation links to ${await entry.count()} log entries, expected the obligation's and the answer's`);
    for (const section of ['#chart', '#regions']) {
      expect(await anyone.locator(section).count(), `/petitions/${id}: no ${section} section`);
    }
    expect(/2[\s\u00a0,.]?500/.test(await anyone.locator('#regions').innerText()), `/petitions/${id}: #regions does not count the 2,500 signatures`);
    await checkAccessibility(anyone, `/petitions/${id} (ru, answered)`);
    const headline = await anyone.locator('main .headline').first();
    const standing = await headline.getAttribute('data-standing');
    expect(standing === 'answered' && /Ответ дан/.test(await headline.innerText()), `/petitions/${id}: the headline is ${standing}, "${await headline.innerText()}", expected answered`);
  });

  await step('the list heads each petition with whether it was answered or is overdue, and filters by it', async () => {
    const anyone = await newPage('reader');
    const said = { answered: { kk: /жауап берілді/, ru: /^Ответ дан/, en: /^Answered on/ }, overdue: { kk: /күнге өткен/, ru: /^Просрочено на \d/, en: /^Overdue by \d+ days?:/ } };
    for (const answer of ['overdue', 'answered']) {
      for (const lang of ['kk', 'ru', 'en']) {
        const where = `/petitions?answer=${answer}&lang=${lang}`;
        await visit(anyone, where);
        await checkChrome(anyone, lang);
        await noMessageIds(anyone);
        const heads = await anyone.locator('#results li.petition .headline').evaluateAll((els) => els.map((e) => [e.dataset.standing, e.innerText.trim()]));
        const rows = await anyone.locator('#results li.petition').count();
        expect(rows >= 1 && heads.length === rows, `${where}: ${rows} petitions, ${heads.length} headlines`);
        for (const [standing, text] of heads) {
          expect(standing === answer && said[answer][lang].test(text), `${where}: a row is headed ${standing}, "${text}"`);
        }
        console.log(`   ${where}: ${rows} petitions, e.g. "${heads[0][1]}"`);
        if (lang === 'kk') await checkAccessibility(anyone, where);
      }
    }
  });

  await step('a shared link opened on a phone shows, in one screen, what the petition asks, whether it was answered, and how to sign or follow it (kk, ru, en)', async () => {
    const phone = await newPage('phone');
    await phone.setViewportSize({ width: 390, height: 844 });
    const r = await phone.request.get(url('/api/v1/petitions?status=open&sort=most_signed&per_page=1'));
    expect(r.status() === 200, `GET /api/v1/petitions?status=open: status ${r.status()}`);
    const open = (await r.json()).items?.[0]?.id;
    expect(open, 'the demo has no open petition');
    const inFirstScreen = async (selector, where) => {
      const box = await phone.locator(selector).first().boundingBox();
      expect(box, `${where}: ${selector} is not shown`);
      expect(box.y + box.height <= 844, `${where}: ${selector} ends at ${Math.round(box.y + box.height)} px, below the first screen (844 px)`);
    };
    for (const lang of ['kk', 'ru', 'en']) {
      // Open to signatures (the answered one may still be): the way to sign; else the word that
      // signing has closed.
      const sign = '#sign-in-to-sign, #sign-closed';
      for (const petition of [open, id]) {
        const where = `/petitions/${petition}?lang=${lang} at 390 px`;
        await visit(phone, `/petitions/${petition}?lang=${lang}`);
        await checkChrome(phone, lang);
        await noMessageIds(phone);
        for (const selector of ['main h1', 'main .headline', '[data-live="count"]', sign]) await inFirstScreen(selector, where);
        for (const share of ['#share-link', '#share-whatsapp', '#share-telegram', '#follow-feed']) {
          expect(await phone.locator(share).count(), `${where}: no ${share} in the share box`);
        }
        const og = await phone.locator('meta[property="og:title"]').getAttribute('content');
        const h1 = (await phone.locator('main h1').innerText()).trim();
        expect(og === h1, `${where}: og:title is "${og}", the petition is "${h1}"`);
        const description = await phone.locator('meta[property="og:description"]').getAttribute('content');
        expect(/\d/.test(description), `${where}: og:description "${description}" gives no count`);
        await checkAccessibility(phone, where);
      }
      // Following it by e-mail: the form, at phone width.
      await visit(phone, `/petitions/${open}/follow?lang=${lang}`);
      await checkChrome(phone, lang);
      await noMessageIds(phone);
      expect(await phone.locator('#email').count(), `/petitions/${open}/follow: no e-mail field`);
      await checkAccessibility(phone, `/petitions/${open}/follow?lang=${lang} at 390 px`);
      // The answered one says so first of all.
      await visit(phone, `/petitions/${id}?lang=${lang}`);
      expect((await phone.locator('main .headline').getAttribute('data-standing')) === 'answered', `/petitions/${id}?lang=${lang}: not headed as answered`);
    }
    // The live count: the page's script polls the count and keeps the number in step.
    await visit(phone, `/petitions/${open}?lang=en`);
    const polled = await phone.waitForResponse((res) => res.url().includes(`/api/v1/petitions/${open}/count`), { timeout: 12000 }).catch(() => null);
    expect(polled && [200, 304].includes(polled.status()), `/petitions/${open}: the page's script did not poll its count within 12 s`);
    const shown = (await phone.locator('[data-live="count"]').innerText()).replace(/\D/g, '');
    const count = (await (await phone.request.get(url(`/api/v1/petitions/${open}/count`))).json()).signatures;
    expect(Number(shown) <= count, `/petitions/${open}: shows ${shown}, the count is ${count}`);
  });

  await step('the home page, the lists and the service pages pass axe-core in kk, ru and en at phone and desktop widths', async () => {
    const reader = await newPage('reader-widths');
    for (const [width, height] of [[390, 844], [1280, 900]]) {
      await reader.setViewportSize({ width, height });
      for (const lang of ['kk', 'ru', 'en']) {
        for (const where of ['/', '/petitions', '/about', '/help', '/privacy', '/accessibility', '/contact', '/ledger', '/bodies']) {
          await visit(reader, `${where}?lang=${lang}`);
          await checkChrome(reader, lang);
          await noMessageIds(reader);
          await checkAccessibility(reader, `${where}?lang=${lang} at ${width} px`);
        }
      }
      // The home page leads with what a citizen can do and what is happening now.
      await visit(reader, '/?lang=en');
      for (const selector of ['#home-start', '#home-appeal', '#home-search', '#home-open', '#home-answered', '#how', '#trust a[href="/ledger"]']) {
        expect(await reader.locator(selector).count(), `/ (en, ${width} px): no ${selector}`);
      }
      if (width === 390) {
        const start = await reader.locator('#home-start').boundingBox();
        expect(start && start.y + start.height <= 844, `/ at 390 px: "Start a petition" is not in the first screen`);
      }
    }
  });
});
