#!/usr/bin/env node
// Appeals in a real browser (issue 11):
//
// - a citizen files a private appeal in Kazakh to the wrong body (the Ministry of Education,
//   about a polyclinic) and lands on its tracking page: on the log, being considered;
// - an official of that ministry finds it in the inbox and forwards it to the Ministry of
//   Health; the head of the Ministry of Health opens it (an accountable access), extends the
//   deadline with a reason; an official of the Ministry of Health answers it;
// - the citizen sees each step on the appeal's page (forwarded, extended, the answer with its
//   outcome), rates the answer, and sees the opening on "who looked at my data".
//
// Debian's headless Chromium, driven by playwright-core; axe-core checks every page for
// accessibility violations of impact serious or critical.
//
//   node appeals.mjs <base-url>
//
// The server is set up by tests/tests/appeals_browser.rs.
//
// Environment:
//   E2E_CITIZEN_EMAIL, E2E_CITIZEN_PASSWORD, E2E_FORWARDER_EMAIL, E2E_FORWARDER_PASSWORD,
//   E2E_HEAD_EMAIL, E2E_HEAD_PASSWORD, E2E_ANSWERER_EMAIL, E2E_ANSWERER_PASSWORD
//   E2E_CHROMIUM, E2E_ARTIFACTS_DIR, E2E_TIMEOUT_MS (see harness.mjs)

import { checkAccessibility, checkChrome, env, expect, path, run, step, visit } from './harness.mjs';
import { choose, clickAndWait, fieldByLabel, logInTo, mainText } from './petitions-common.mjs';

const who = (role, fallback) => ({
  email: env(`E2E_${role}_EMAIL`, `${fallback}@example.kz`),
  password: env(`E2E_${role}_PASSWORD`, `${fallback}@example.kz correct horse battery`),
});
const citizen = who('CITIZEN', 'aigerim');
const forwarder = who('FORWARDER', 'mon-official');
const head = who('HEAD', 'moh-head');
const answerer = who('ANSWERER', 'moh-official');

const TITLE = 'Емхана анамды тіркеуден бас тартады';
const TEXT = 'Есіл ауданындағы №5 емхана анамды тіркеуден бас тартады. Көмектесуіңізді сұраймын.';
const ANSWER = 'Емхана сіздің анаңызды дүйсенбіде тіркейді.';

/** The appeal's id from a page at /appeals/<id>. */
const appealOf = (page) => path(page).split('?')[0].replace('/appeals/', '');

/** The form on an appeal's page that posts to `<appeal>/<act>`. */
const actForm = (page, appeal, act) => page.locator(`main form[action="/appeals/${appeal}/${act}"]`);

await run(async (newPage) => {
  const c = await newPage('citizen');
  let appeal = '';

  await step('the citizen signs in (kk) and files a private appeal to the wrong body', async () => {
    await logInTo(c, citizen, 'kk', '/appeals/new');
    await checkChrome(c, 'kk');
    await checkAccessibility(c, '/appeals/new (kk)');
    await choose(c, /^Орган$/i, 'mon', 'the body');
    await choose(c, /^Түрі$/i, 'complaint', 'the kind');
    await choose(c, /^Тақырыбы$/i, 'health', 'the topic');
    await (await fieldByLabel(c, /^Орны$/i, 'the place')).fill('astana/esil');
    await c.locator('input[name=visibility][value=private]').check();
    await (await fieldByLabel(c, /^Өтініш тақырыбы$/i, 'the subject')).fill(TITLE);
    await (await fieldByLabel(c, /^Мәтін$/i, 'the text')).fill(TEXT);
    await clickAndWait(c, c.getByRole('button', { name: /^Өтініш беру$/i }), 'the file button');
    expect(path(c).startsWith('/appeals/a-'), `after filing: at ${path(c)}`);
    appeal = appealOf(c);
    const shown = await mainText(c);
    expect(/журналға жазылды/i.test(shown), `${path(c)} does not say the appeal is on the log:\n${shown}`);
    expect(/Қаралуда/i.test(shown), `${path(c)}: not "being considered"`);
    expect(shown.includes(TEXT), `${path(c)}: the applicant does not read their own text`);
    await checkAccessibility(c, `/appeals/${appeal} (kk)`);
  });

  await step('the wrong body finds it in its inbox and forwards it to the competent body', async () => {
    const f = await newPage('forwarder');
    await logInTo(f, forwarder, 'ru', '/office/appeals');
    const inbox = await mainText(f);
    expect(inbox.includes(appeal), `/office/appeals does not list ${appeal}:\n${inbox}`);
    await checkAccessibility(f, '/office/appeals (ru)');
    await visit(f, `/appeals/${appeal}?lang=ru`);
    expect(!(await mainText(f)).includes(TEXT), 'the private text is shown before it is opened');
    const form = actForm(f, appeal, 'forward');
    await choose(f, /^Направить в$/i, 'moh', 'the body to forward to', form);
    await (await fieldByLabel(f, /^Основание$/i, 'the reason', null, form)).fill('Вопрос здравоохранения');
    await clickAndWait(f, form.getByRole('button', { name: /^Направить$/i }), 'the forward button');
    const shown = await mainText(f);
    expect(/Министерство здравоохранения/i.test(shown) && /Первоначально адресовано/i.test(shown), `after forwarding:\n${shown}`);
  });

  await step('the head of the competent body opens it (logged) and extends the deadline with a reason', async () => {
    const h = await newPage('head');
    await logInTo(h, head, 'ru', `/appeals/${appeal}`);
    const open = actForm(h, appeal, 'open');
    await clickAndWait(h, open.getByRole('button', { name: /^Вскрыть обращение$/i }), 'the open button');
    const opened = await mainText(h);
    expect(opened.includes(TEXT), `after opening, the head does not read the text:\n${opened}`);
    expect(/записано в журнал/i.test(opened), 'the page does not say the opening was logged');
    const due = await h.locator('#due time').getAttribute('datetime');
    const until = new Date(`${due.slice(0, 10)}T00:00:00Z`);
    until.setUTCDate(until.getUTCDate() + 10);
    const form = actForm(h, appeal, 'extend');
    await (await fieldByLabel(h, /^Продлить до$/i, 'the new deadline', null, form)).fill(until.toISOString().slice(0, 10));
    await (await fieldByLabel(h, /^Основание$/i, 'the reason', null, form)).fill('Нужна проверка поликлиники');
    await clickAndWait(h, form.getByRole('button', { name: /^Продлить срок$/i }), 'the extend button');
    const shown = await mainText(h);
    expect(/продлено до/i.test(shown) && /проверка поликлиники/i.test(shown), `after extending:\n${shown}`);
    await checkAccessibility(h, `/appeals/${appeal} (ru, head)`);
  });

  await step('an official of the competent body answers it', async () => {
    const a = await newPage('answerer');
    await logInTo(a, answerer, 'ru', `/appeals/${appeal}`);
    const form = actForm(a, appeal, 'answer');
    await choose(a, /^Решение$/i, 'satisfied', 'the outcome', form);
    await (await fieldByLabel(a, /^Ответ$/i, 'the answer', null, form)).fill(ANSWER);
    await clickAndWait(a, form.getByRole('button', { name: /опубликовать ответ/i }), 'the answer button');
    expect(/Удовлетворено/i.test(await mainText(a)), 'the answer is not shown after publishing it');
  });

  await step('the citizen sees each step, reads the answer, checks its signature link and rates it', async () => {
    await visit(c, `/appeals/${appeal}?lang=kk`);
    const shown = await mainText(c);
    for (const [what, pattern] of [
      ['forwarded', /құзыреті бойынша жіберілді/i],
      ['extended', /ұзартылды/i],
      ['answered', /Өтінішке жауап берілді/i],
      ['the outcome', /Қанағаттандырылды/i],
      ['the answer', new RegExp(ANSWER.slice(0, 20))],
    ]) {
      expect(pattern.test(shown), `${path(c)}: the citizen does not see ${what}:\n${shown}`);
    }
    expect(await c.locator('#answer-proof').count(), 'no link to verify the signed answer on the log');
    const form = actForm(c, appeal, 'rate');
    await choose(c, /Жауапты бағалаңыз/i, '5', 'the rating', form);
    await clickAndWait(c, form.getByRole('button', { name: /^Бағалау$/i }), 'the rate button');
    expect(/5-тен 5/.test(await mainText(c)), 'the rating is not shown');
    await checkAccessibility(c, `/appeals/${appeal} (kk, answered)`);
  });

  await step('"who looked at my data" shows the opening of the appeal', async () => {
    await visit(c, '/me/access?lang=kk');
    const shown = await mainText(c);
    expect(shown.includes(appeal), `/me/access does not show the opening of ${appeal}:\n${shown}`);
  });
});
