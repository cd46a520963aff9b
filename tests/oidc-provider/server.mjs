// A real, local OpenID Connect provider for Dauys's tests of "verify identity with eGov ID":
// panva's oidc-provider (certified OpenID provider library) with one confidential client,
// eGov-like claims and a plain HTML login form. Test-only: in-memory storage, fresh keys at
// every start, plain HTTP on 127.0.0.1.
//
// Environment:
//   OIDC_PORT               port to listen on; 0 (the default) picks a free one
//   OIDC_REDIRECT_URIS      comma-separated redirect URIs of the client
//                           (default http://127.0.0.1:8080/verify/oidc/callback)
//   OIDC_ACCOUNTS           a JSON file: [{ "login", "password", "claims": { ... } }, ...]
//                           (default: DEFAULT_ACCOUNTS below)
//   OIDC_EXIT_ON_STDIN_EOF  if "1", exit when stdin closes (the test that started us died)
//
// stdout carries exactly one line, `listening http://127.0.0.1:<port>`, once the provider
// is ready; everything else (oidc-provider's notices, errors) goes to stderr.

import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';

import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

export const CLIENT_ID = 'dauys-test';
export const CLIENT_SECRET = 'dauys-test-secret';
export const CLAIMS = ['iin', 'given_name', 'family_name', 'birthdate', 'locality'];

// Kazakhstan's individual identification number (ЖСН/ИИН): YYMMDD, a century-and-sex digit
// (1/2: 1800s, 3/4: 1900s, 5/6: 2000s; odd = male, even = female), four serial digits and a
// check digit: the sum of the first 11 digits weighted 1..11, mod 11; if that is 10, weights
// 3,4,5,6,7,8,9,10,11,1,2 mod 11; if that is 10 too, the number is never issued.
// E.g. 90031540123: 9·1+0·2+0·3+3·4+1·5+5·6+4·7+0·8+1·9+2·10+3·11 = 146 ≡ 3 → 900315401233.
export function iinCheckDigit(first11) {
  if (!/^\d{11}$/.test(first11)) return null;
  const digits = [...first11].map(Number);
  const sum = (weights) => digits.reduce((acc, d, i) => acc + d * weights[i], 0) % 11;
  let check = sum([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  if (check === 10) check = sum([3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]);
  return check === 10 ? null : check;
}

export function iinIsValid(iin) {
  return typeof iin === 'string' && /^\d{12}$/.test(iin) && iinCheckDigit(iin.slice(0, 11)) === Number(iin[11]);
}

// Three adults; every IIN's date and century/sex digit agree with birthdate (and sex).
export const DEFAULT_ACCOUNTS = [
  {
    login: 'aigerim',
    password: 'aigerim-pass',
    claims: {
      sub: 'egov-test-aigerim',
      iin: '900315401233', // 1990-03-15, 4 = female born in the 1900s
      given_name: 'Айгерім',
      family_name: 'Сейітова',
      birthdate: '1990-03-15',
      locality: 'almaty-city',
    },
  },
  {
    login: 'nurlan',
    password: 'nurlan-pass',
    claims: {
      sub: 'egov-test-nurlan',
      iin: '851102304561', // 1985-11-02, 3 = male born in the 1900s
      given_name: 'Нұрлан',
      family_name: 'Жақсыбеков',
      birthdate: '1985-11-02',
      locality: 'akmola/kokshetau',
    },
  },
  {
    login: 'dana',
    password: 'dana-pass',
    claims: {
      sub: 'egov-test-dana',
      iin: '040721607896', // 2004-07-21, 6 = female born in the 2000s
      given_name: 'Дана',
      family_name: 'Омарова',
      birthdate: '2004-07-21',
      locality: 'astana',
    },
  },
];

function loadAccounts() {
  const file = process.env.OIDC_ACCOUNTS;
  const accounts = file ? JSON.parse(readFileSync(file, 'utf8')) : DEFAULT_ACCOUNTS;
  if (!Array.isArray(accounts) || accounts.length === 0) {
    throw new Error(`${file}: expected a non-empty JSON array of { login, password, claims }`);
  }
  const byLogin = new Map();
  const bySub = new Map();
  for (const a of accounts) {
    if (typeof a?.login !== 'string' || typeof a.password !== 'string' || typeof a.claims !== 'object') {
      throw new Error(`${file}: every account needs a string login and password and a claims object`);
    }
    const sub = String(a.claims.sub ?? `egov-test-${a.login}`);
    if (byLogin.has(a.login) || bySub.has(sub)) throw new Error(`duplicate account ${a.login} (sub ${sub})`);
    // Not fatal: a test may want an invalid IIN on purpose, to see the relying party reject it.
    if ('iin' in a.claims && !iinIsValid(a.claims.iin)) {
      console.error(`oidc-provider (test): note: account ${a.login} has an invalid IIN ${JSON.stringify(a.claims.iin)}`);
    }
    const account = { login: a.login, password: a.password, claims: { ...a.claims, sub } };
    byLogin.set(a.login, account);
    bySub.set(sub, account);
  }
  return { byLogin, bySub };
}

const escapeHtml = (s) =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

function page(res, status, title, body) {
  const html = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title></head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
</body>
</html>
`;
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(html);
}

function loginPage(res, uid, details, error) {
  const client = escapeHtml(details.params.client_id);
  const message = error ? `<p id="error" role="alert">${escapeHtml(error)}</p>\n` : '';
  page(
    res,
    error ? 401 : 200,
    'eGov ID (test provider): sign in',
    `<p>Sign in to share your identity with <code>${client}</code>.</p>
${message}<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<p><label>Login <input name="login" id="login" autocomplete="username" autofocus required></label></p>
<p><label>Password <input type="password" name="password" id="password" autocomplete="current-password" required></label></p>
<p><button type="submit" id="submit">Sign in</button></p>
</form>
<form method="post" action="/interaction/${escapeHtml(uid)}/abort">
<p><button type="submit" id="cancel">Cancel</button></p>
</form>`,
  );
}

async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 64 * 1024) throw new Error('form too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

// Grants what the interaction asks for: the consent screen a real eGov ID shows is not
// what Dauys's tests are about.
async function grantEverything(provider, details) {
  const { accountId } = details.session;
  const { client_id: clientId } = details.params;
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId, clientId });
  const missing = details.prompt.details ?? {};
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  return grant.save();
}

async function interactions(provider, accounts, req, res, url) {
  const match = url.pathname.match(/^\/interaction\/([^/]+)(?:\/(login|abort))?$/);
  if (!match) return page(res, 404, 'Not found', '<p>No such page.</p>');
  const [, uid, action] = match;
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return page(res, 400, 'Bad request', '<p>This sign-in has expired.</p>');

  if (!action && req.method === 'GET') {
    if (details.prompt.name === 'login') return loginPage(res, uid, details);
    const grantId = await grantEverything(provider, details);
    return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }
  if (req.method !== 'POST') return page(res, 405, 'Method not allowed', '<p>Use the form.</p>');

  if (action === 'abort') {
    return provider.interactionFinished(
      req,
      res,
      { error: 'access_denied', error_description: 'the person cancelled the sign-in' },
      { mergeWithLastSubmission: false },
    );
  }
  const form = await readForm(req);
  const account = accounts.byLogin.get(form.get('login') ?? '');
  if (!account || account.password !== form.get('password')) {
    return loginPage(res, uid, details, 'Wrong login or password.');
  }
  return provider.interactionFinished(
    req,
    res,
    { login: { accountId: account.claims.sub, amr: ['pwd'] } },
    { mergeWithLastSubmission: false },
  );
}

async function main() {
  // Keep stdout for the one "listening" line a harness waits for.
  console.log = console.error;
  console.info = console.error;
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 20) throw new Error(`oidc-provider 9 needs Node.js 20 or later; this is ${process.version}`);
  const accounts = loadAccounts();
  const redirectUris = (process.env.OIDC_REDIRECT_URIS ?? 'http://127.0.0.1:8080/verify/oidc/callback')
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  const port = Number(process.env.OIDC_PORT ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`bad OIDC_PORT ${process.env.OIDC_PORT}`);

  let handler = (_req, res) => {
    res.statusCode = 503;
    res.end('starting');
  };
  const server = createServer((req, res) => handler(req, res));
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const issuer = `http://127.0.0.1:${server.address().port}`;

  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: 'RS256', use: 'sig' };

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        client_name: 'Dauys (tests)',
        redirect_uris: redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        // oidc-provider also accepts client_secret_post from a client registered this way.
        token_endpoint_auth_method: 'client_secret_basic',
        id_token_signed_response_alg: 'RS256',
      },
    ],
    jwks: { keys: [jwk] },
    cookies: {
      // Browsers do not separate cookies by port: keep clear of the names a relying party
      // on another port of 127.0.0.1 (Dauys) might use.
      names: { session: 'egov_test_session', interaction: 'egov_test_interaction', resume: 'egov_test_resume' },
      keys: ['dauys-test-cookie-key-1', 'dauys-test-cookie-key-2'],
    },
    responseTypes: ['code'],
    scopes: ['openid', 'profile'],
    claims: { openid: ['sub'], profile: CLAIMS },
    // The eGov claims go into the ID token too, not only into userinfo.
    conformIdTokenClaims: false,
    pkce: { required: () => true }, // S256 is the only method oidc-provider supports
    features: {
      devInteractions: { enabled: false },
      userinfo: { enabled: true },
      rpInitiatedLogout: { enabled: false },
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx, sub) {
      const account = accounts.bySub.get(sub);
      if (!account) return undefined;
      return { accountId: sub, claims: async () => ({ ...account.claims }) };
    },
    // The test client needs no consent screen: grant it openid, profile and the claims.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      if (ctx.oidc.client.clientId !== CLIENT_ID) return undefined;
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope('openid profile');
      grant.addOIDCClaims(['sub', ...CLAIMS]);
      await grant.save();
      return grant;
    },
    async renderError(ctx, out, error) {
      ctx.type = 'html';
      ctx.body = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Error</title></head><body>
<h1>eGov ID (test provider): error</h1>
<p id="error">${escapeHtml(out.error)}: ${escapeHtml(out.error_description ?? '')}</p></body></html>`;
      if (error?.status >= 500 || !error?.status) console.error('oidc-provider (test):', error);
    },
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      IdToken: 600,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
    },
  });
  provider.on('server_error', (_ctx, err) => console.error('oidc-provider (test): server_error', err));

  const callback = provider.callback();
  handler = (req, res) => {
    const url = new URL(req.url, issuer);
    if (url.pathname.startsWith('/interaction/')) {
      interactions(provider, accounts, req, res, url).catch((err) => {
        console.error('oidc-provider (test): interaction failed:', err);
        if (!res.headersSent) page(res, 400, 'Sign-in failed', `<p id="error">${escapeHtml(err.message)}</p>`);
        else res.end();
      });
    } else {
      callback(req, res);
    }
  };

  let stopping = false;
  const stop = (why) => {
    if (stopping) return;
    stopping = true;
    console.error(`oidc-provider (test): ${why}, stopping`);
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  if (process.env.OIDC_EXIT_ON_STDIN_EOF === '1') {
    process.stdin.on('end', () => stop('stdin closed')).on('error', () => stop('stdin failed')).resume();
  }

  console.error(`oidc-provider (test): issuer ${issuer}, client ${CLIENT_ID}, redirect_uris ${redirectUris.join(' ')}`);
  process.stdout.write(`listening ${issuer}\n`);
}

// Run only as a program: selftest.mjs imports the IIN helpers and the default accounts.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err) => {
    console.error('oidc-provider (test): failed to start:', err);
    process.exit(1);
  });
}
