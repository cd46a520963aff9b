#!/usr/bin/env node
// Moderators and officials on petitions, in Russian, in a real browser:
//
// - a moderator rejects a petition in moderation for a forbidden topic — first forgetting to
//   pick the topic (the form comes back with an error and what was filled in), then with it;
//   the petition's page shows the reason and the topic to anyone;
// - an official of the addressed body finds the obligation a petition opened by reaching its
//   threshold, with its due date, and publishes the answer: decision, answer, the record of
//   the public discussion and the head's statement; the petition's page shows it.
//
// Debian's headless Chromium, driven by playwright-core; axe-core checks every page for
// accessibility violations of impact serious or critical.
//
//   node petitions-staff.mjs <base-url>
//
// The server is set up by tests/tests/petitions_browser.rs: E2E_PETITION_TO_REJECT is in
// moderation, E2E_PETITION_TO_ANSWER reached its threshold (an obligation awaits E2E_BODY);
// the moderator holds the role moderator, the official the role official of E2E_BODY.
//
// Environment:
//   E2E_MODERATOR_EMAIL, E2E_MODERATOR_PASSWORD, E2E_OFFICIAL_EMAIL, E2E_OFFICIAL_PASSWORD
//   E2E_PETITION_TO_ANSWER, E2E_PETITION_TO_REJECT, E2E_FORBIDDEN_TOPIC (a code of the rules)
//   E2E_CHROMIUM, E2E_ARTIFACTS_DIR, E2E_TIMEOUT_MS (see harness.mjs)

import { checkAccessibility, checkChrome, env, expect, path, run, step, visit } from './harness.mjs';
import { choose, chosen, clickAndWait, fieldByLabel, listedPetitions, logInTo, mainText, noMessageIds, publishSupportedAnswerInRussian } from './petitions-common.mjs';

const moderator = {
  email: env('E2E_MODERATOR_EMAIL', 'moderator@example.kz'),
  password: env('E2E_MODERATOR_PASSWORD', 'moderator@example.kz correct horse battery'),
};
const official = {
  email: env('E2E_OFFICIAL_EMAIL', 'official@example.kz'),
  password: env('E2E_OFFICIAL_PASSWORD', 'official@example.kz correct horse battery'),
};
const TO_ANSWER = env('E2E_PETITION_TO_ANSWER', 'p-answerme22');
const TO_REJECT = env('E2E_PETITION_TO_REJECT', 'p-rejectme22');
const FORBIDDEN = env('E2E_FORBIDDEN_TOPIC', 'courts');
const LANG = 'ru';

// Russian, as the pages say it.
const REJECTED = /отклонен/i;
const REASON = /^Причина отклонения$/i;
const FORBIDDEN_REASON = /^Запрещённая тема$/i;
const FORBIDDEN_TOPIC = /^Запрещённая тема$/i;
const TOPIC_NAME = /Деятельность судов/i;
const COMMENT = /^Комментарий/i;
const REJECT = /^Отклонить$/i;
const COMMENT_TEXT = 'Петиция касается деятельности судов, это запрещённая тема.';
const ANSWER_TEXT = 'Освещение парка будет установлено до конца года.';
const DISCUSSION_TEXT = 'Публичное обсуждение прошло 12 ноября, участвовали 40 жителей.';
const HEAD_TEXT = 'Аким города поручил выполнить работы в срок.';

/** The form on /moderation that rejects `petition` (the queue may list several). */
function rejectForm(page, petition) {
  return page.locator(`main form[action="/moderation/${petition}/reject"]`);
}

await run(async (newPage) => {
  const m = await newPage('moderator');
  const o = await newPage('official');

  await step(`the moderator signs in and sees ${TO_REJECT} in the queue of /moderation`, async () => {
    await logInTo(m, moderator, LANG, '/moderation');
    await checkChrome(m, LANG);
    const queued = await listedPetitions(m);
    expect(queued.includes(TO_REJECT), `/moderation lists [${queued}], expected ${TO_REJECT}`);
    expect(await m.locator(`#queued-${TO_REJECT}`).count(), `/moderation: no queued entry #queued-${TO_REJECT}`);
    await checkAccessibility(m, '/moderation (ru)');
  });

  await step('rejecting for a forbidden topic without naming it: an error, and the form keeps what was filled in', async () => {
    const form = rejectForm(m, TO_REJECT);
    expect(await form.count(), `/moderation: no form rejecting ${TO_REJECT} (form[action=/moderation/${TO_REJECT}/reject])`);
    await choose(m, REASON, FORBIDDEN_REASON, 'the reason', form);
    await (await fieldByLabel(m, COMMENT, 'the comment field', null, form)).fill(COMMENT_TEXT);
    const response = await clickAndWait(m, form.getByRole('button', { name: REJECT }), 'the reject button');
    expect(
      response.status() === 422,
      `rejecting without a forbidden topic: status ${response.status()} at ${path(m)}, expected 422 with the form again`,
    );
    await checkChrome(m, LANG);
    await noMessageIds(m);
    const alert = m.locator('main').getByRole('alert');
    expect(await alert.count(), `${path(m)}: no error with role=alert after rejecting without a forbidden topic`);
    const message = (await alert.first().innerText()).trim();
    expect(/запрещённ\S* тем/i.test(message), `the error does not ask for the forbidden topic: "${message}"`);
    // What was filled in is still there, and the topic field is marked invalid.
    const again = rejectForm(m, TO_REJECT);
    expect(await again.count(), `${path(m)}: the form rejecting ${TO_REJECT} is not shown again`);
    const comment = await fieldByLabel(m, COMMENT, 'the comment field', null, again);
    expect((await comment.inputValue()) === COMMENT_TEXT, `the comment is "${await comment.inputValue()}" after the error, expected it kept`);
    const reason = await chosen(m, REASON, again);
    expect(reason === 'forbidden_topic', `the reason is "${reason}" after the error, expected forbidden_topic kept`);
    const topic = await fieldByLabel(m, FORBIDDEN_TOPIC, 'the forbidden topic', null, again);
    expect((await topic.getAttribute('aria-invalid')) === 'true', 'the forbidden topic is not marked aria-invalid="true"');
    await checkAccessibility(m, '/moderation (ru, the reject form with an error)');
  });

  await step('the moderator names the forbidden topic and rejects the petition', async () => {
    const form = rejectForm(m, TO_REJECT);
    await choose(m, FORBIDDEN_TOPIC, FORBIDDEN, 'the forbidden topic', form);
    const response = await clickAndWait(m, form.getByRole('button', { name: REJECT }), 'the reject button');
    expect(response.status() === 200, `rejecting: status ${response.status()} at ${path(m)}:\n${await mainText(m)}`);
    expect(!(await m.locator('main').getByRole('alert').count()), `rejecting showed an error:\n${await mainText(m)}`);
    const done = m.locator('#done');
    expect(await done.count(), `${path(m)}: no confirmation (#done, role=status) after rejecting`);
    await checkChrome(m, LANG);
    // The confirmation links to the petition; the queue no longer holds it.
    expect(!(await m.locator(`#queued-${TO_REJECT}`).count()), `/moderation still queues ${TO_REJECT} (#queued-${TO_REJECT}) after it was rejected`);
    await checkAccessibility(m, '/moderation (ru, after rejecting)');
  });

  await step(`anyone sees the rejection, its reason and the topic on /petitions/${TO_REJECT}`, async () => {
    // The official's browser has not signed in yet: anyone.
    await visit(o, `/petitions/${TO_REJECT}?lang=${LANG}`);
    await checkChrome(o, LANG);
    await noMessageIds(o);
    const status = o.locator('#petition-status');
    expect((await status.getAttribute('data-status')) === 'rejected', `#petition-status is ${await status.getAttribute('data-status')}`);
    expect(REJECTED.test(await status.textContent()), `#petition-status says "${await status.textContent()}", expected ${REJECTED}`);
    const section = o.locator('#rejection');
    expect(await section.count(), `/petitions/${TO_REJECT}: no #rejection section`);
    const reason = o.locator('#rejection-reason');
    expect((await reason.getAttribute('data-reason')) === 'forbidden_topic', `#rejection-reason is ${await reason.getAttribute('data-reason')}`);
    const shown = await section.innerText();
    expect(/запрещ[её]нн/i.test(shown), `the rejection does not give the reason in Russian:\n${shown}`);
    expect(TOPIC_NAME.test(shown), `the rejection does not name the forbidden topic (${TOPIC_NAME}):\n${shown}`);
    expect(shown.includes(COMMENT_TEXT), `the rejection does not show the moderator's comment:\n${shown}`);
    await checkAccessibility(o, `/petitions/${TO_REJECT} (ru, rejected)`);
  });

  let dueText;
  await step(`the official sees the obligation of ${TO_ANSWER} on /office/petitions, with its due date`, async () => {
    await logInTo(o, official, LANG, '/office/petitions');
    await checkChrome(o, LANG);
    const listed = await listedPetitions(o);
    const links = await o.$$eval('main a[href^="/office/petitions/"]', (as) => as.map((a) => a.getAttribute('href')));
    expect(
      listed.includes(TO_ANSWER) || links.some((h) => h.includes(TO_ANSWER)),
      `/office/petitions lists [${listed}] and links to [${links}], expected ${TO_ANSWER}`,
    );
    // The due date, as a <time datetime="YYYY-MM-DD…"> in the obligation's row.
    const row = o.locator('main tr, main li, main article').filter({ has: o.locator(`a[href*="${TO_ANSWER}"]`) }).first();
    expect(await row.count(), `/office/petitions: no row holding a link to ${TO_ANSWER}`);
    const due = row.locator('time[datetime]');
    expect(await due.count(), `/office/petitions: the row of ${TO_ANSWER} has no <time datetime> (the due date): "${await row.innerText()}"`);
    const datetime = await due.first().getAttribute('datetime');
    expect(/^\d{4}-\d{2}-\d{2}/.test(datetime), `/office/petitions: the due date's datetime is "${datetime}"`);
    expect(new Date(datetime) > new Date(Date.now() - 86400000), `/office/petitions: the due date ${datetime} is in the past`);
    dueText = (await due.first().innerText()).trim();
    await checkAccessibility(o, '/office/petitions (ru)');
  });

  await step('the official opens the answer form and publishes the answer', async () => {
    const link = o.locator(`main a[href="/office/petitions/${TO_ANSWER}/answer"]`);
    await clickAndWait(o, link.first(), `the link to /office/petitions/${TO_ANSWER}/answer`);
    expect(new URL(o.url()).pathname === `/office/petitions/${TO_ANSWER}/answer`, `the answer link led to ${path(o)}`);
    await checkChrome(o, LANG);
    await noMessageIds(o);
    await checkAccessibility(o, `/office/petitions/${TO_ANSWER}/answer (ru)`);
    const form = o.locator(`main form[action="/office/petitions/${TO_ANSWER}/answer"]`);
    expect(await form.count(), `${path(o)}: no answer form`);
    await publishSupportedAnswerInRussian(o, form, { answer: ANSWER_TEXT, discussion: DISCUSSION_TEXT, head: HEAD_TEXT });
    console.log(`   after publishing: ${path(o)}`);
  });

  await step(`/petitions/${TO_ANSWER} shows the answer to anyone`, async () => {
    const anyone = await newPage('anyone');
    await visit(anyone, `/petitions/${TO_ANSWER}?lang=${LANG}`);
    await checkChrome(anyone, LANG);
    const main = await mainText(anyone);
    for (const [what, t] of [
      ['answer', ANSWER_TEXT],
      ['record of the discussion', DISCUSSION_TEXT],
      ["head's statement", HEAD_TEXT],
    ]) {
      expect(main.includes(t), `/petitions/${TO_ANSWER} does not show the ${what} "${t}":\n${main}`);
    }
    const decision = (await anyone.locator('#decision').innerText().catch(() => '')).trim();
    expect(/поддерж/i.test(decision), `/petitions/${TO_ANSWER}: #decision is "${decision}", expected supported (поддерж…)`);
    const obligation = await anyone.locator('#obligation-status').getAttribute('data-status').catch(() => null);
    expect(obligation === 'answered', `/petitions/${TO_ANSWER}: #obligation-status is ${obligation}, expected answered`);
    await noMessageIds(anyone);
    await checkAccessibility(anyone, `/petitions/${TO_ANSWER} (ru, answered)`);
    // The obligation is answered: the office no longer has it waiting.
    await visit(o, '/office/petitions');
    const row = o.locator('main tr, main li, main article').filter({ has: o.locator(`a[href^="/office/petitions/${TO_ANSWER}/answer"]`) });
    expect(!(await row.count()), `/office/petitions still offers to answer ${TO_ANSWER} (due ${dueText})`);
  });
});
