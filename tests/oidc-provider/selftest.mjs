// End-to-end check of server.mjs with nothing but Node: starts the provider as a child
// process and walks the authorization code flow with PKCE the way Dauys will (discovery,
// /auth, the login form, /token with client_secret_basic, ID token, userinfo), plus the
// failure paths a relying party must see. Run: `node selftest.mjs` (node's test runner).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { createRemoteJWKSet, jwtVerify } from 'jose';

import { CLAIMS, DEFAULT_ACCOUNTS, iinCheckDigit, iinIsValid } from './server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const REDIRECT_URIS = ['http://127.0.0.1:9/other/callback', 'http://127.0.0.1:9/verify/oidc/callback'];
const REDIRECT_URI = REDIRECT_URIS[1];
const CLIENT = { id: 'dauys-test', secret: 'dauys-test-secret' };

// Starts server.mjs; resolves once it printed its "listening" line.
function startProvider(env = {}) {
  const child = spawn(process.execPath, [join(here, 'server.mjs')], {
    env: { ...process.env, OIDC_PORT: '0', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const ready = new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const m = line.match(/^listening (http:\/\/127\.0\.0\.1:\d+)$/);
      if (m) resolve(m[1]);
      else reject(new Error(`unexpected stdout line: ${line}`));
    });
    exited.then(({ code, signal }) => reject(new Error(`provider exited (${code ?? signal}):\n${stderr}`)));
    setTimeout(() => reject(new Error(`provider not ready within 15 s:\n${stderr}`)), 15000).unref();
  });
  return ready.then((issuer) => ({ child, issuer, exited, stderr: () => stderr }));
}

// fetch with manual redirects and a naive cookie jar (every cookie to every path is harmless
// here: the provider reads each cookie only where it belongs).
class Browser {
  jar = new Map();

  async fetch(url, init = {}) {
    const headers = new Headers(init.headers);
    if (this.jar.size) headers.set('cookie', [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      const expired = attrs.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a)) || value === '';
      if (expired) this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return res;
  }

  // Follows redirects until one leaves the provider (returns that URL) or a page is served
  // (returns the response).
  async follow(url, issuer, init) {
    let res = await this.fetch(url, init);
    for (let hops = 0; hops < 10; hops++) {
      if (res.status < 300 || res.status > 399) return { res, url };
      url = new URL(res.headers.get('location'), url).href;
      if (!url.startsWith(`${issuer}/`)) return { redirect: new URL(url) };
      res = await this.fetch(url);
    }
    throw new Error('too many redirects');
  }
}

const b64url = (buf) => buf.toString('base64url');

function authRequest(discovery, overrides = {}) {
  const verifier = b64url(randomBytes(32));
  const params = {
    client_id: CLIENT.id,
    response_type: 'code',
    scope: 'openid profile',
    redirect_uri: REDIRECT_URI,
    state: b64url(randomBytes(16)),
    nonce: b64url(randomBytes(16)),
    code_challenge: b64url(createHash('sha256').update(verifier).digest()),
    code_challenge_method: 'S256',
    ...overrides,
  };
  for (const [k, v] of Object.entries(params)) if (v === undefined) delete params[k];
  const url = new URL(discovery.authorization_endpoint);
  url.search = new URLSearchParams(params).toString();
  return { url: url.href, verifier, params };
}

function formAction(html, id) {
  const forms = [...html.matchAll(/<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/g)];
  const form = forms.find(([, , body]) => body.includes(`id="${id}"`));
  assert.ok(form, `a form with #${id} in:\n${html}`);
  return form[1];
}

// Walks /auth → login form → redirect_uri; returns the redirect's URL.
async function signIn(browser, issuer, discovery, login, password, request = authRequest(discovery)) {
  const page = await browser.follow(request.url, issuer);
  assert.ok(page.res, `expected the login page, got a redirect to ${page.redirect}`);
  assert.equal(page.res.status, 200);
  const html = await page.res.text();
  assert.match(html, /<input name="login" id="login"/);
  assert.match(html, /<input type="password" name="password" id="password"/);
  assert.match(html, /<button type="submit" id="submit">/);
  const action = new URL(formAction(html, 'submit'), page.url).href;
  const done = await browser.follow(action, issuer, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ login, password }).toString(),
  });
  return { ...done, request };
}

async function token(discovery, body, auth = 'basic') {
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  const form = new URLSearchParams(body);
  if (auth === 'basic') {
    const enc = (s) => encodeURIComponent(s);
    headers.authorization = `Basic ${Buffer.from(`${enc(CLIENT.id)}:${enc(CLIENT.secret)}`).toString('base64')}`;
  } else {
    form.set('client_id', CLIENT.id);
    form.set('client_secret', CLIENT.secret);
  }
  const res = await fetch(discovery.token_endpoint, { method: 'POST', headers, body: form.toString() });
  return { status: res.status, json: await res.json() };
}

let provider;
let discovery;

before(async () => {
  provider = await startProvider({ OIDC_REDIRECT_URIS: REDIRECT_URIS.join(',') });
  const res = await fetch(`${provider.issuer}/.well-known/openid-configuration`);
  assert.equal(res.status, 200);
  discovery = await res.json();
});

after(async () => {
  if (provider && provider.child.exitCode === null) provider.child.kill('SIGKILL');
});

test('the default accounts have valid IINs that agree with their birthdates', () => {
  assert.equal(iinCheckDigit('90031540123'), 3);
  // 9·1+0+0+1·4+0+1·6+3·7+0+0+8·10+1·11 = 131 ≡ 10, so the second weights decide:
  // 9·3+1·6+1·8+3·9+8·1+1·2 = 78 ≡ 1 → 900101300811.
  assert.equal(iinCheckDigit('90010130081'), 1);
  assert.ok(iinIsValid('900101300811'));
  // Both sums are 10 here: a number that is never issued.
  assert.equal(iinCheckDigit('90010130080'), null);
  assert.equal(iinIsValid('900101300800'), false);
  assert.equal(iinIsValid('900315401234'), false);
  assert.equal(iinIsValid('90031540123'), false);

  assert.equal(DEFAULT_ACCOUNTS.length, 3);
  for (const { claims } of DEFAULT_ACCOUNTS) {
    assert.ok(iinIsValid(claims.iin), `${claims.iin} is a valid IIN`);
    const [yyyy, mm, dd] = claims.birthdate.split('-');
    assert.equal(claims.iin.slice(0, 6), `${yyyy.slice(2)}${mm}${dd}`);
    const century = Number(claims.iin[6]);
    assert.equal(yyyy.slice(0, 2), { 3: '19', 4: '19', 5: '20', 6: '20' }[century]);
  }
});

test('discovery', () => {
  assert.equal(discovery.issuer, provider.issuer);
  assert.deepEqual(discovery.code_challenge_methods_supported, ['S256']);
  assert.deepEqual(discovery.response_types_supported, ['code']);
  assert.ok(discovery.token_endpoint_auth_methods_supported.includes('client_secret_basic'));
  assert.ok(discovery.token_endpoint_auth_methods_supported.includes('client_secret_post'));
  assert.ok(discovery.scopes_supported.includes('openid') && discovery.scopes_supported.includes('profile'));
  for (const c of ['sub', ...CLAIMS]) assert.ok(discovery.claims_supported.includes(c), c);
  assert.ok(discovery.id_token_signing_alg_values_supported.includes('RS256'));
  assert.ok(discovery.userinfo_endpoint && discovery.jwks_uri);
});

test('authorization code + PKCE: ID token and userinfo carry the eGov claims', async () => {
  const browser = new Browser();
  const expected = DEFAULT_ACCOUNTS[0];
  const { redirect, request } = await signIn(browser, provider.issuer, discovery, expected.login, expected.password);
  assert.ok(redirect, 'signing in ends on the redirect_uri');
  assert.equal(`${redirect.origin}${redirect.pathname}`, REDIRECT_URI);
  assert.equal(redirect.searchParams.get('state'), request.params.state);
  assert.equal(redirect.searchParams.get('iss'), provider.issuer);
  const code = redirect.searchParams.get('code');
  assert.ok(code, `a code in ${redirect}`);

  const { status, json } = await token(discovery, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT_URI,
    code_verifier: request.verifier,
  });
  assert.equal(status, 200, JSON.stringify(json));
  assert.equal(json.token_type, 'Bearer');
  assert.equal(json.scope, 'openid profile');

  const jwks = createRemoteJWKSet(new URL(discovery.jwks_uri));
  const { payload, protectedHeader } = await jwtVerify(json.id_token, jwks, {
    issuer: provider.issuer,
    audience: CLIENT.id,
  });
  assert.equal(protectedHeader.alg, 'RS256');
  assert.equal(payload.nonce, request.params.nonce);
  assert.equal(payload.sub, expected.claims.sub);
  for (const c of CLAIMS) assert.equal(payload[c], expected.claims[c], `ID token claim ${c}`);

  const res = await fetch(discovery.userinfo_endpoint, { headers: { authorization: `Bearer ${json.access_token}` } });
  assert.equal(res.status, 200);
  const userinfo = await res.json();
  assert.deepEqual(userinfo, { ...expected.claims });

  // A code is good once.
  const again = await token(discovery, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT_URI,
    code_verifier: request.verifier,
  });
  assert.equal(again.status, 400);
  assert.equal(again.json.error, 'invalid_grant');
});

test('client_secret_post works too, for another person', async () => {
  const expected = DEFAULT_ACCOUNTS[1];
  const { redirect, request } = await signIn(new Browser(), provider.issuer, discovery, expected.login, expected.password);
  const { status, json } = await token(
    discovery,
    { grant_type: 'authorization_code', code: redirect.searchParams.get('code'), redirect_uri: REDIRECT_URI, code_verifier: request.verifier },
    'post',
  );
  assert.equal(status, 200, JSON.stringify(json));
  const claims = JSON.parse(Buffer.from(json.id_token.split('.')[1], 'base64url'));
  assert.equal(claims.iin, expected.claims.iin);
  assert.equal(claims.locality, 'akmola/kokshetau');
});

test('a wrong code_verifier is refused', async () => {
  const expected = DEFAULT_ACCOUNTS[2];
  const { redirect } = await signIn(new Browser(), provider.issuer, discovery, expected.login, expected.password);
  const { status, json } = await token(discovery, {
    grant_type: 'authorization_code',
    code: redirect.searchParams.get('code'),
    redirect_uri: REDIRECT_URI,
    code_verifier: b64url(randomBytes(32)),
  });
  assert.equal(status, 400);
  assert.equal(json.error, 'invalid_grant');
});

test('a second sign-in reuses the session; prompt=consent is granted without a screen', async () => {
  const browser = new Browser();
  const person = DEFAULT_ACCOUNTS[0];
  const first = await signIn(browser, provider.issuer, discovery, person.login, person.password);
  assert.ok(first.redirect?.searchParams.get('code'));
  // Single sign-on, as with a real provider: no login form the second time.
  const again = await browser.follow(authRequest(discovery).url, provider.issuer);
  assert.ok(again.redirect?.searchParams.get('code'), 'a code without a form');
  // prompt=consent forces the consent interaction, which grants and returns at once.
  const request = authRequest(discovery, { prompt: 'consent' });
  const consent = await browser.follow(request.url, provider.issuer);
  const code = consent.redirect?.searchParams.get('code');
  assert.ok(code, `a code after the consent interaction, got ${consent.redirect ?? consent.res?.status}`);
  const { status, json } = await token(discovery, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT_URI,
    code_verifier: request.verifier,
  });
  assert.equal(status, 200, JSON.stringify(json));
  const claims = JSON.parse(Buffer.from(json.id_token.split('.')[1], 'base64url'));
  assert.equal(claims.iin, person.claims.iin);
});

test('PKCE is required', async () => {
  const request = authRequest(discovery, { code_challenge: undefined, code_challenge_method: undefined });
  const { redirect } = await new Browser().follow(request.url, provider.issuer);
  assert.ok(redirect, 'an error redirect');
  assert.equal(redirect.searchParams.get('error'), 'invalid_request');
  assert.match(redirect.searchParams.get('error_description'), /PKCE/);
});

test('an unregistered redirect_uri gets an error page, not a redirect', async () => {
  const request = authRequest(discovery, { redirect_uri: 'http://127.0.0.1:9/evil' });
  const { res } = await new Browser().follow(request.url, provider.issuer);
  assert.equal(res.status, 400);
  assert.match(await res.text(), /redirect_uri/);
});

test('a wrong password shows the form again; cancel returns access_denied', async () => {
  const browser = new Browser();
  const request = authRequest(discovery);
  const page = await browser.follow(request.url, provider.issuer);
  const html = await page.res.text();
  const login = new URL(formAction(html, 'submit'), page.url).href;
  const wrong = await browser.follow(login, provider.issuer, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ login: 'aigerim', password: 'nope' }).toString(),
  });
  assert.equal(wrong.res.status, 401);
  const again = await wrong.res.text();
  assert.match(again, /id="error"/);
  const cancel = new URL(formAction(again, 'cancel'), page.url).href;
  const { redirect } = await browser.follow(cancel, provider.issuer, { method: 'POST' });
  assert.equal(redirect.searchParams.get('error'), 'access_denied');
  assert.equal(redirect.searchParams.get('state'), request.params.state);
});

test('OIDC_ACCOUNTS replaces the default people; SIGTERM stops the provider', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'oidc-selftest-'));
  const file = join(dir, 'accounts.json');
  const person = {
    login: 'minor',
    password: 'secret',
    claims: { iin: '100101500012', given_name: 'Test', family_name: 'Minor', birthdate: '2010-01-01', locality: 'almaty-city' },
  };
  writeFileSync(file, JSON.stringify([person]));
  const other = await startProvider({ OIDC_ACCOUNTS: file, OIDC_REDIRECT_URIS: REDIRECT_URI });
  try {
    const disc = await (await fetch(`${other.issuer}/.well-known/openid-configuration`)).json();
    const browser = new Browser();
    const bad = await signIn(browser, other.issuer, disc, 'aigerim', 'aigerim-pass');
    assert.equal(bad.res?.status, 401, 'a default person cannot sign in');
    const { redirect, request } = await signIn(new Browser(), other.issuer, disc, 'minor', 'secret');
    const { status, json } = await token(disc, {
      grant_type: 'authorization_code',
      code: redirect.searchParams.get('code'),
      redirect_uri: REDIRECT_URI,
      code_verifier: request.verifier,
    });
    assert.equal(status, 200, JSON.stringify(json));
    const claims = JSON.parse(Buffer.from(json.id_token.split('.')[1], 'base64url'));
    assert.equal(claims.sub, 'egov-test-minor');
    assert.equal(claims.iin, person.claims.iin);
  } finally {
    other.child.kill('SIGTERM');
  }
  const { code, signal } = await other.exited;
  assert.equal(signal, null);
  assert.equal(code, 0, other.stderr());
});

test('the provider exits when its stdin closes, if asked to', async () => {
  const other = await startProvider({ OIDC_EXIT_ON_STDIN_EOF: '1' });
  other.child.stdin.end();
  const { code } = await other.exited;
  assert.equal(code, 0, other.stderr());
});
