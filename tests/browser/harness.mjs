// What the browser journeys (people.mjs, verify_oidc.mjs, verify_registry.mjs) share: steps that
// print `ok N - …`, page helpers that fail with what was expected and what the page showed,
// axe-core checks that fail on serious or critical violations, and a runner that starts
// Debian's headless Chromium, reports the open pages on the first failure and exits 1.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import axe from 'axe-core';
import { chromium } from 'playwright-core';

export const env = (name, fallback) => process.env[name] || fallback;

const script = process.argv[1]?.split('/').pop() ?? 'journey.mjs';
export const base = (process.argv[2] || process.env.DAUYS_URL || '').replace(/\/+$/, '');
if (!/^https?:\/\/[^/]+$/.test(base)) {
  console.error(`usage: node ${script} <base-url>   (e.g. http://127.0.0.1:8080)`);
  process.exit(2);
}
const CHROMIUM = env('E2E_CHROMIUM', '/usr/bin/chromium');
const TIMEOUT_MS = Number(env('E2E_TIMEOUT_MS', '240000'));

export class Failure extends Error {}
/** Fails the current step with `message` (the runner adds what the pages show). */
export function fail(message) {
  throw new Failure(message);
}
export function expect(condition, message) {
  if (!condition) fail(message);
}

let currentStep = '(starting)';
const openPages = new Map(); // name → page, for the failure report
const violationsSeen = [];
const axeRuns = [];
let passed = 0;

export async function step(name, fn) {
  currentStep = name;
  const started = Date.now();
  await fn();
  passed += 1;
  console.log(`ok ${passed} - ${name} (${Date.now() - started} ms)`);
}

export const url = (path) => `${base}${path}`;

export function path(page) {
  const u = new URL(page.url());
  return u.origin === base ? u.pathname + u.search : u.href;
}

/** GET `path`; fails unless the final status is `status`. Returns the response. */
export async function visit(page, target, status = 200) {
  const response = await page.goto(url(target), { waitUntil: 'load' });
  expect(response, `GET ${target}: no response`);
  expect(response.status() === status, `GET ${target}: status ${response.status()}, expected ${status}`);
  return response;
}

/** Clicks a submit button and waits for the page it leads to; returns that response. */
export async function submit(page, selector) {
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)]);
  expect(response, `submitting ${selector} on ${path(page)}: no response`);
  return response;
}

export async function text(page, selector) {
  const el = await page.$(selector);
  expect(el, `${path(page)}: no element ${selector}`);
  return (await el.innerText()).trim();
}

/** What every page of ours must have: the language we asked for and the language switch. */
export async function checkChrome(page, lang = 'en') {
  const htmlLang = await page.getAttribute('html', 'lang');
  expect(htmlLang === lang, `${path(page)}: <html lang="${htmlLang}">, expected "${lang}"`);
  for (const l of ['kk', 'ru', 'en']) {
    const href = await page.getAttribute(`a[hreflang="${l}"][href*="lang=${l}"]`, 'href').catch(() => null);
    expect(href, `${path(page)}: no language switch link to ?lang=${l}`);
  }
}

/** Runs axe-core on the page; fails on violations of impact serious or critical. */
export async function checkAccessibility(page, label) {
  await page.addScriptTag({ content: axe.source });
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return {
      passes: r.passes.length,
      violations: r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        helpUrl: v.helpUrl,
        nodes: v.nodes.map((n) => ({ target: n.target.join(' '), html: n.html, summary: n.failureSummary })),
      })),
    };
  });
  expect(result.passes > 0, `axe-core checked nothing on ${label}`);
  axeRuns.push(label);
  const blocking = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of result.violations) {
    violationsSeen.push({ page: label, ...v });
    const mark = blocking.includes(v) ? 'VIOLATION' : 'note';
    console.log(`   axe ${mark} on ${label}: [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})`);
    for (const n of v.nodes.slice(0, 5)) console.log(`      ${n.target}: ${n.html}`);
  }
  expect(
    blocking.length === 0,
    `axe-core: ${blocking.length} serious/critical violation(s) on ${label}: ` +
      blocking
        .map((v) => `${v.id} [${v.impact}] ${v.help}\n` + v.nodes.map((n) => `    ${n.target}: ${n.html}\n      ${n.summary}`).join('\n'))
        .join('\n'),
  );
}

/** Signs `who` up on the form at `start` (e.g. '/signup?lang=en') and expects /login?created=1. */
export async function signUp(page, who, start = '/signup') {
  await visit(page, start);
  await checkChrome(page);
  await page.fill('#email', who.email);
  await page.fill('#password', who.password);
  const response = await submit(page, '#submit');
  const u = new URL(page.url());
  expect(
    u.pathname === '/login' && u.searchParams.get('created') === '1' && response.status() === 200,
    `sign-up of ${who.email}: ended at ${path(page)} with status ${response.status()}, expected /login?created=1`,
  );
}

export async function logIn(page, who) {
  if (new URL(page.url()).pathname !== '/login') await visit(page, '/login');
  await checkChrome(page);
  await page.fill('#email', who.email);
  await page.fill('#password', who.password);
  const response = await submit(page, '#submit');
  expect(
    new URL(page.url()).pathname === '/me' && response.status() === 200,
    `sign-in of ${who.email}: ended at ${path(page)} with status ${response.status()}, expected /me`,
  );
  await checkChrome(page);
}

/** Reloads /me until `#selector`'s text satisfies `ok`, for up to `ms`. */
export async function pollMe(page, selector, ok, what, ms = 10000) {
  const deadline = Date.now() + ms;
  let last = '';
  for (;;) {
    await visit(page, '/me');
    last = (await page.$(selector)) ? await text(page, selector) : `(no ${selector})`;
    if (ok(last)) return last;
    if (Date.now() > deadline) fail(`/me: ${selector} is "${last}" after ${ms} ms, expected ${what}`);
    await page.waitForTimeout(250);
  }
}

/** GET /api/v1/state (public) with the page's request context. */
export async function ledgerState(page) {
  const r = await page.request.get(url('/api/v1/state'));
  expect(r.status() === 200, `GET /api/v1/state: status ${r.status()}`);
  return r.json();
}

/** counts[kind] of /api/v1/state, 0 when absent. */
export async function ledgerCount(page, kind) {
  return (await ledgerState(page)).counts?.[kind] ?? 0;
}

/** Polls /api/v1/state until counts[kind] is `n` (fails if it is more, or not so within `ms`). */
export async function waitForCount(page, kind, n, ms = 10000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const c = await ledgerCount(page, kind);
    expect(c <= n, `/api/v1/state: counts["${kind}"] is ${c}, expected ${n}`);
    if (c === n) return;
    if (Date.now() > deadline) fail(`/api/v1/state: counts["${kind}"] is ${c} after ${ms} ms, expected ${n}`);
    await page.waitForTimeout(200);
  }
}

/**
 * Reads every public page of the log — each /log?before=… listing and each /log/<i> entry —
 * and fails if any shows one of `secrets`. Returns how many pages were read.
 */
export async function checkPublicLogHides(page, secrets) {
  const { size } = await ledgerState(page);
  expect(size > 0, '/api/v1/state: the log is empty');
  // The listings, newest first, following "Older entries" (rel=next) to the start.
  let listing = '/log';
  let listings = 0;
  while (listing) {
    await visit(page, listing);
    listings += 1;
    expect(listings <= size, `/log: more listing pages than entries (at ${listing})`);
    const html = await page.content();
    for (const s of secrets) expect(!html.includes(s), `${listing} (public) shows "${s}"`);
    const older = await page.$('a[rel="next"][href^="/log"]');
    listing = older ? await older.getAttribute('href') : null;
  }
  for (let i = 0; i < size; i++) {
    await visit(page, `/log/${i}`);
    const html = await page.content();
    for (const s of secrets) expect(!html.includes(s), `/log/${i} (public) shows "${s}"`);
  }
  return listings + size;
}

/**
 * Every journey starts its browsers through this: `name` names the page in the failure report.
 * The browser asks for Kazakh first, as a Kazakh browser would.
 */
export function pageMaker(browser) {
  return async (name) => {
    const context = await browser.newContext({ locale: 'kk-KZ', bypassCSP: true });
    context.setDefaultTimeout(15000);
    const page = await context.newPage();
    openPages.set(name, page);
    return page;
  };
}

async function reportFailure(error) {
  console.error(`\nnot ok - ${currentStep}`);
  console.error(error instanceof Failure ? error.message : error?.stack || String(error));
  const dir = process.env.E2E_ARTIFACTS_DIR;
  if (dir) mkdirSync(dir, { recursive: true });
  for (const [name, page] of openPages) {
    try {
      if (page.isClosed()) continue;
      const main = await page.$eval('main', (m) => m.outerHTML).catch(() => null);
      const html = main ?? (await page.content());
      console.error(`\n--- ${name}: ${page.url()}\n${html.length > 4000 ? html.slice(0, 4000) + '\n[…]' : html}`);
      if (dir) {
        writeFileSync(join(dir, `${name}.html`), await page.content());
        await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
      }
    } catch (e) {
      console.error(`(could not read the ${name} page: ${e.message})`);
    }
  }
}

/**
 * Runs `journey(newPage)` in a fresh headless Chromium with a watchdog; prints the summary
 * line (`all N steps passed; …`) or the failure report, and sets the exit code.
 */
export async function run(journey) {
  const main = async () => {
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    });
    try {
      await journey(pageMaker(browser));
      const notes = violationsSeen.filter((v) => v.impact !== 'serious' && v.impact !== 'critical');
      console.log(
        `\nall ${passed} steps passed; axe-core on ${axeRuns.length} pages (${axeRuns.join(', ')}): ` +
          `no serious or critical violations (${notes.length} lesser)`,
      );
      return true;
    } catch (error) {
      // Report while the pages are still open.
      await reportFailure(error);
      return false;
    } finally {
      await browser.close().catch(() => {});
    }
  };
  const watchdog = setTimeout(async () => {
    await reportFailure(new Failure(`the journey did not finish within ${TIMEOUT_MS} ms`));
    process.exit(1);
  }, TIMEOUT_MS);
  let ok = false;
  try {
    ok = await main();
  } catch (error) {
    // Chromium did not start, or the report itself failed.
    await reportFailure(error).catch(() => {});
  }
  clearTimeout(watchdog);
  if (!ok) {
    process.exitCode = 1;
    // Node would wait for a hung browser's pipes; do not.
    setTimeout(() => process.exit(1), 5000).unref();
  }
}
