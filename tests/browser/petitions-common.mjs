// What the petition journeys (petitions-citizen.mjs, petitions-staff.mjs, demo-walk.mjs)
// share on top of harness.mjs: finding fields by their accessible label, clicking through to
// the next page, signing in on the page we were sent to, reading the petitions a listing links
// to, and an official publishing an answer in Russian.

import { checkChrome, expect, fail, path, visit } from './harness.mjs';

/** Clicks `locator` (a link or submit button) and waits for the page it leads to. */
export async function clickAndWait(page, locator, what) {
  expect(await locator.count(), `${path(page)}: no ${what}`);
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), locator.click()]);
  expect(response, `${path(page)}: clicking ${what} loaded nothing`);
  return response;
}

/** The labels of the form controls on the page, for failure messages. */
export async function labelsOnPage(page) {
  return page.$$eval('input, select, textarea', (els) =>
    els
      .filter((e) => e.type !== 'hidden')
      .map((e) => {
        const byFor = e.id ? document.querySelector(`label[for="${CSS.escape(e.id)}"]`) : null;
        const label = e.getAttribute('aria-label') || (byFor || e.closest('label'))?.textContent?.trim() || '(no label)';
        return `${e.tagName.toLowerCase()}[name=${e.name}]: "${label.replace(/\s+/g, ' ')}"`;
      }),
  );
}

/**
 * The form control labelled `label` (a RegExp in the page's language); with `role`, the only
 * control of that role when no label matches. Fails listing the labels the page has.
 */
export async function fieldByLabel(page, label, what, role, scope = page) {
  const byLabel = scope.getByLabel(label);
  if (await byLabel.count()) return byLabel.first();
  if (role) {
    const byRole = scope.getByRole(role);
    if ((await byRole.count()) === 1) return byRole;
  }
  fail(`${path(page)}: no ${what} labelled ${label}; the page's fields: ${(await labelsOnPage(page)).join('; ')}`);
}

/**
 * Picks `option` (a RegExp or a value) in the control labelled `label`: a <select>, or a
 * group of radio buttons (a fieldset whose legend matches `label`, or any radio named so).
 */
export async function choose(page, label, option, what, scope = page) {
  const control = scope.getByLabel(label);
  if (await control.count()) {
    const first = control.first();
    const tag = await first.evaluate((e) => e.tagName.toLowerCase());
    if (tag === 'select') {
      const options = await first.locator('option').evaluateAll((os) => os.map((o) => ({ value: o.value, label: o.textContent.trim() })));
      const hit = options.find((o) => (option instanceof RegExp ? option.test(o.label) || option.test(o.value) : o.value === option));
      expect(hit, `${path(page)}: ${what} offers [${options.map((o) => `${o.value}: ${o.label}`).join(', ')}], expected ${option}`);
      await first.selectOption(hit.value);
      return hit.value;
    }
  }
  // Radio buttons in a group named `label`.
  const group = scope.getByRole('radiogroup', { name: label }).or(scope.locator('fieldset').filter({ has: page.locator('legend', { hasText: label }) }));
  const where = (await group.count()) ? group.first() : scope;
  const radio = option instanceof RegExp ? where.getByRole('radio', { name: option }) : where.locator(`input[type="radio"][value="${option}"]`);
  if (await radio.count()) {
    await radio.first().check();
    return radio.first().getAttribute('value');
  }
  fail(`${path(page)}: no ${what} (${label}) with the option ${option}; the page's fields: ${(await labelsOnPage(page)).join('; ')}`);
}

/** The value picked in the control labelled `label` (select or radio group), or null. */
export async function chosen(page, label, scope = page) {
  const control = scope.getByLabel(label);
  if (await control.count()) {
    const first = control.first();
    if ((await first.evaluate((e) => e.tagName.toLowerCase())) === 'select') return first.inputValue();
  }
  const checked = scope.locator('input[type="radio"]:checked');
  const values = await checked.evaluateAll((rs) => rs.map((r) => `${r.name}=${r.value}`));
  return values.join('&') || null;
}

/** The text of the page's <main>. */
export async function mainText(page) {
  return (await page.locator('main').first().innerText()).trim();
}

/** The distinct petitions /petitions/<id> that <main> links to, in order. */
export async function listedPetitions(page) {
  const hrefs = await page.$$eval('main a[href^="/petitions/p-"]', (as) => as.map((a) => a.getAttribute('href')));
  const ids = hrefs.map((h) => h.split(/[/?#]/)[2]).filter(Boolean);
  return [...new Set(ids)];
}

/** The submit button of the form that signs the petition on the page. */
export async function signButton(page) {
  const inForm = page.locator('form[action*="/sign"]').locator('button[type="submit"], button:not([type]), input[type="submit"]');
  if (await inForm.count()) return inForm.first();
  return page.locator('main').getByRole('button', { name: /қол қою|подписать|sign/i }).first();
}

/** On /login (where a page sent us), signs `who` in; the page should then send us on. */
export async function logInHere(page, who, lang) {
  expect(new URL(page.url()).pathname === '/login', `expected the sign-in page, at ${path(page)}`);
  await checkChrome(page, lang);
  await page.fill('#email', who.email);
  await page.fill('#password', who.password);
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#submit')]);
  expect(response && response.status() === 200, `signing in ${who.email}: status ${response?.status()} at ${path(page)}`);
  expect(new URL(page.url()).pathname !== '/login', `signing in ${who.email} failed: still on ${path(page)}`);
}

/** Signs `who` in from /login?lang=`lang`&next=`next`; ends on `next`. */
export async function logInTo(page, who, lang, next) {
  await visit(page, `/login?lang=${lang}&next=${encodeURIComponent(next)}`);
  await logInHere(page, who, lang);
  expect(path(page).startsWith(next), `after signing in ${who.email}: at ${path(page)}, expected ${next}`);
}

/** Fails if <main> shows a message id instead of its text (a string missing from the .ftl files). */
export async function noMessageIds(page) {
  const shown = await mainText(page);
  const ids = shown.match(/\b(?:pp|ap|staff|err|level|event|field|pa|home|info|ledger|footer)-[a-z0-9]+(?:-[a-z0-9]+)+\b/g);
  expect(!ids, `${path(page)} shows message ids instead of text: ${[...new Set(ids || [])].join(', ')}`);
}

// The answer form's labels in Russian, as an official reads them.
const DECISION = /^Решение$/i;
const SUPPORTED = /^Поддержано$/i;
const IN_RUSSIAN = ' — на русском';
const ANSWER = new RegExp(`^Ответ${IN_RUSSIAN}$`, 'i');
const DISCUSSION = new RegExp(`^Запись общественного обсуждения${IN_RUSSIAN}$`, 'i');
const HEAD = new RegExp(`^Публичное заявление руководителя органа${IN_RUSSIAN}$`, 'i');
const PUBLISH = /опубликовать/i;
const REVIEW = /проверить/i;

/**
 * Fills the answer `form` in Russian (decision "supported", the answer, the record of the
 * public discussion, the head's statement), publishes it and checks it was accepted.
 */
export async function publishSupportedAnswerInRussian(page, form, { answer, discussion, head }) {
  await choose(page, DECISION, SUPPORTED, 'the decision', form);
  await (await fieldByLabel(page, ANSWER, 'the answer in Russian', null, form)).fill(answer);
  await (await fieldByLabel(page, DISCUSSION, 'the record of the public discussion in Russian', null, form)).fill(discussion);
  await (await fieldByLabel(page, HEAD, "the head's statement in Russian", null, form)).fill(head);
  // First the review of what will be published, then publishing for good.
  const reviewed = await clickAndWait(page, form.getByRole('button', { name: REVIEW }), 'the review button');
  expect(reviewed.status() === 200 && (await page.locator('#review').count()), `reviewing the answer: status ${reviewed.status()} at ${path(page)}:\n${await mainText(page)}`);
  const review = await mainText(page);
  for (const t of [answer, discussion, head]) expect(review.includes(t), `the review does not show "${t}":\n${review}`);
  const response = await clickAndWait(page, page.locator('main').getByRole('button', { name: PUBLISH }), 'the publish button');
  expect(response.status() === 200, `publishing the answer: status ${response.status()} at ${path(page)}:\n${await mainText(page)}`);
  expect(!(await page.locator('main').getByRole('alert').count()), `publishing the answer showed an error:\n${await mainText(page)}`);
  expect(await page.locator('#answered-notice').count(), `after publishing, ${path(page)} does not say the answer is published:\n${await mainText(page)}`);
}
