/**
 * Hostile input against the running sidecar and the realm-config loader. Property-based (fast-check):
 * random and malformed JSON, wrong types, huge bodies, unicode, path traversal and control characters in
 * ids, labels and query strings, on every public and helpdesk endpoint → always a 4xx (or 2xx) with a
 * JSON error body, never a 500, a crash or a hang. Tokens signed by a key Keycloak does not publish or
 * issued for another host name are refused; HTTP hardening headers, body limits and the cross-realm rule
 * are checked. The counts of inputs tried are printed for the reliability report.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { loadRealmConfig, RealmConfigError } from '../../realm-files/src/index.js';
import { b64, jsonCall } from '../support/http-json.js';
import { uniqueName } from '../support/keycloak.js';
import { DISTANT_DEADLINE, helpdeskToken, startTestSidecar } from '../support/sidecar-realm.js';
import { kc, kut, mail, sidecar, target, useSidecarRealm } from '../support/sidecar-world.js';
import { createTestUser, otpCredential, passwordOf, SECRET_A } from '../support/users.js';

let token: string;
let userId: string;
const tried: Record<string, number> = {};
const RUNS = Number(process.env.FUZZ_RUNS ?? 120);

useSidecarRealm({ enforcement: DISTANT_DEADLINE }, 'hostile', {
  populate: async () => {
    userId = await createTestUser(kc, target.realm, 'vera', { credentials: [otpCredential('Pixel 8', SECRET_A)] });
  },
  env: () => ({
    // Fuzzing is many requests from one address: the per-IP limit must not be what answers.
    LOG_LEVEL: 'silent',
  }),
});
beforeAll(async () => {
  token = await helpdeskToken(kc, kut, target.realm);
});
afterAll(async () => {
  // eslint-disable-next-line no-console
  console.log(`hostile inputs tried: ${JSON.stringify(tried)}`);
});

/** Strings a hostile client sends: unicode, control characters, traversal, injection, very long. */
const nasty = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)), maxLength: 10 }),
  fc.constantFrom(
    '../../etc/passwd',
    '..%2F..%2Fetc%2Fpasswd',
    '%00',
    'a\r\nSet-Cookie: x=1',
    '<script>alert(1)</script>',
    "' or 1=1 --",
    '=cmd|"/c calc"!A1',
    '${jndi:ldap://x}',
    '\u202e\u0000\ud800',
    'x'.repeat(5000),
  ),
);
const jsonValue = fc.oneof(fc.jsonValue(), nasty, fc.constant(null));
const body = fc.oneof(
  jsonValue.map((v) => ({ type: 'application/json', text: JSON.stringify(v) ?? 'null' })),
  fc.record({ reason: jsonValue, ticket: jsonValue, sendSetupEmail: jsonValue, identifier: jsonValue }).map((v) => ({
    type: 'application/json',
    text: JSON.stringify(v),
  })),
  nasty.map((text) => ({ type: 'application/json', text })), // malformed JSON
  nasty.map((text) => ({ type: 'application/x-www-form-urlencoded', text: `identifier=${urlPart(text)}` })),
  nasty.map((text) => ({ type: 'text/plain', text })),
  fc.constant({ type: 'application/json', text: JSON.stringify({ reason: 'x'.repeat(300_000) }) }),
  fc.constant({ type: 'application/json', text: `${'['.repeat(5_000)}${']'.repeat(5_000)}` }),
);
/** URL-encodes, replacing lone surrogates (which encodeURIComponent refuses) as String#toWellFormed does. */
const urlPart = (s: string) =>
  encodeURIComponent(s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'));
const segment = nasty.map((s) => urlPart(s).slice(0, 2000) || '%20');
const query = fc
  .dictionary(
    fc.constantFrom('search', 'first', 'max', 'format', 'from', 'to', 'actor', 'target', 'action', 'status', 'q', 'x'),
    nasty,
    {
      maxKeys: 4,
    },
  )
  .map((q) => new URLSearchParams(q).toString());

type Endpoint = { method: string; path: (id: string, credential: string) => string; auth: boolean };
const ENDPOINTS: Endpoint[] = [
  { method: 'POST', path: () => '/api/v1/recovery', auth: false },
  { method: 'GET', path: (id) => `/api/v1/users/${id}/devices`, auth: true },
  { method: 'GET', path: () => '/api/v1/devices', auth: true },
  { method: 'GET', path: () => '/api/v1/sync', auth: true },
  { method: 'GET', path: () => '/api/v1/compliance', auth: true },
  { method: 'POST', path: () => '/api/v1/compliance/reconcile', auth: true },
  { method: 'GET', path: () => '/api/v1/helpdesk/users', auth: true },
  { method: 'GET', path: (id) => `/api/v1/helpdesk/users/${id}`, auth: true },
  { method: 'POST', path: (id, c) => `/api/v1/helpdesk/users/${id}/devices/${c}/remove`, auth: true },
  { method: 'POST', path: (id) => `/api/v1/helpdesk/users/${id}/reset-otp`, auth: true },
  { method: 'POST', path: (id) => `/api/v1/helpdesk/users/${id}/send-setup-email`, auth: true },
  { method: 'GET', path: (id) => `/api/v1/helpdesk/users/${id}/audit`, auth: true },
  { method: 'GET', path: () => '/api/v1/helpdesk/audit', auth: true },
  { method: 'GET', path: () => '/helpdesk/callback', auth: false },
  { method: 'POST', path: () => '/helpdesk/logout', auth: false },
  { method: 'GET', path: () => '/recovery', auth: false },
];

const send = async (
  method: string,
  path: string,
  init: { token?: string; type?: string; text?: string; headers?: Record<string, string> },
) => {
  const response = await fetch(`${sidecar.url}${path}`, {
    method,
    redirect: 'manual',
    signal: AbortSignal.timeout(10_000),
    headers: {
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.type ? { 'content-type': init.type } : {}),
      ...init.headers,
    },
    ...(init.text !== undefined && method !== 'GET' ? { body: init.text } : {}),
  });
  return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
};

const expectSafe = (where: string, r: { status: number; type: string; text: string }, json: boolean) => {
  expect([where, r.status < 500]).toEqual([where, true]);
  if (json && r.status >= 400) {
    expect([where, r.type]).toEqual([where, expect.stringContaining('application/json')]);
    expect(JSON.parse(r.text)).toHaveProperty('error');
  }
  expect(r.text).not.toMatch(/\n\s+at .+\.(ts|js):\d+/); // no stack traces
};

describe('every endpoint, fuzzed', () => {
  test.each(ENDPOINTS.map((e) => [`${e.method} ${e.path(':id', ':credential')}`, e] as const))(
    '%s answers hostile input with a 4xx and a JSON error, never a 500',
    async (name, endpoint) => {
      await fc.assert(
        fc.asyncProperty(segment, segment, query, body, fc.boolean(), async (id, credential, q, b, realId) => {
          tried[name] = (tried[name] ?? 0) + 1;
          const path = `${endpoint.path(realId ? userId : id, credential)}?${q}`;
          const r = await send(endpoint.method, path, { ...(endpoint.auth ? { token } : {}), ...b });
          expectSafe(`${name} ${path.slice(0, 80)}`, r, path.startsWith('/api/'));
        }),
        { numRuns: RUNS },
      );
    },
    120_000,
  );

  test('hostile headers: oversized, duplicated and odd authorization schemes are refused cleanly', async () => {
    const headers = fc.record({
      authorization: fc.oneof(
        nasty.map((s) => `Bearer ${urlPart(s)}`),
        fc.constantFrom('Bearer', 'Basic YTpi', 'bearer  x.y.z', `Bearer ${'a'.repeat(20_000)}`, 'Bearer a.b'),
      ),
      'x-request-id': nasty.map((s) => urlPart(s).slice(0, 200) || 'x'),
      'x-csrf-token': nasty.map((s) => urlPart(s).slice(0, 200) || 'x'),
      cookie: nasty.map((s) => `otp_helpdesk_session=${urlPart(s).slice(0, 500)}`),
    });
    await fc.assert(
      fc.asyncProperty(headers, async (h) => {
        tried.headers = (tried.headers ?? 0) + 1;
        const r = await send('GET', '/api/v1/helpdesk/users?search=vera', { headers: h });
        expectSafe('headers', r, true);
        // Refused: as unauthenticated, or (a 20 kB token) by the header limit, in JSON too.
        expect([401, 431]).toContain(r.status);
      }),
      { numRuns: RUNS },
    );
  }, 120_000);
});

describe('tokens', () => {
  test('a token signed by a key Keycloak does not publish, or issued under another host name, is refused', async () => {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString());
    const header = JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString());
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const signWith = (h: unknown, c: unknown) => {
      const input = `${b64(h)}.${b64(c)}`;
      return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
    };
    const now = Math.floor(Date.now() / 1000);
    // Keycloak names the issuer after the host a token was requested through.
    const otherHost = kut.baseUrl.replace('127.0.0.1', 'localhost');
    const viaOtherHost: any = await (
      await fetch(`${otherHost}/realms/${target.realm}/protocol/openid-connect/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'password',
          client_id: 'admin-cli',
          username: 'helper',
          password: passwordOf('helper'),
        }),
      })
    ).json();
    expect(JSON.parse(Buffer.from(viaOtherHost.access_token.split('.')[1], 'base64url').toString()).iss).toContain(
      'localhost',
    );
    const attempts = {
      'unknown kid': signWith({ ...header, kid: 'not-a-published-key' }, claims),
      'published kid, other key': signWith(header, claims),
      'not yet valid': signWith(header, { ...claims, nbf: now + 3600 }),
      'other issuer': viaOtherHost.access_token,
      'alg none, no kid': `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`,
      'ES256 header on an RSA signature': `${b64({ ...header, alg: 'ES256' })}.${token.split('.').slice(1).join('.')}`,
    };
    for (const [name, attempt] of Object.entries(attempts)) {
      const r = await jsonCall(`${sidecar.url}/api/v1/helpdesk/users?search=vera`, { token: attempt });
      expect([name, r.status, r.body.error]).toEqual([name, 401, 'unauthorized']);
    }
    tried.tokens = Object.keys(attempts).length;
  });

  test('a user of another realm is not found, whatever the caller’s role (the sidecar serves one realm)', async () => {
    const other = uniqueName('other');
    await kc.realms.create({ realm: other, enabled: true });
    const foreignId = await createTestUser(kc, other, 'walt', { credentials: [otpCredential('Phone', SECRET_A)] });
    expect((await jsonCall(`${sidecar.url}/api/v1/helpdesk/users/${foreignId}`, { token })).status).toBe(404);
    // The mirror holds this realm only: nothing of the other realm's user is shown.
    const mirrored = await jsonCall(`${sidecar.url}/api/v1/users/${foreignId}/devices`, { token });
    expect([mirrored.status, mirrored.body.devices]).toEqual([200, []]);
    const reset = await jsonCall(`${sidecar.url}/api/v1/helpdesk/users/${foreignId}/reset-otp`, {
      token,
      method: 'POST',
      json: { reason: 'cross-realm attempt' },
    });
    expect(reset.status).toBe(404);
    expect(
      (await kc.users.getCredentials({ realm: other, id: foreignId })).filter((c) => c.type === 'otp'),
    ).toHaveLength(1);
    await kc.realms.del({ realm: other });
  });
});

describe('HTTP hardening', () => {
  test('security headers on API and pages; bodies over the limit are a JSON 413', async () => {
    for (const path of ['/api/v1/helpdesk/users', '/recovery', '/helpdesk', '/healthz']) {
      const response = await fetch(`${sidecar.url}${path}`, { redirect: 'manual' });
      const h = response.headers;
      expect([path, h.get('x-content-type-options'), h.get('x-frame-options'), h.get('x-powered-by')]).toEqual([
        path,
        'nosniff',
        'SAMEORIGIN',
        null,
      ]);
      expect(h.get('content-security-policy')).toMatch(/default-src '(self|none)'/);
      expect(h.get('strict-transport-security')).toBeTruthy();
    }
    const big = await send('POST', '/api/v1/recovery', {
      type: 'application/json',
      text: JSON.stringify({ identifier: 'x'.repeat(200_000) }),
    });
    expect(big.status).toBe(413);
    expect(JSON.parse(big.text)).toEqual({ error: 'payload_too_large', message: 'The body is too large' });
  });
});

describe('cookies', () => {
  const loginCookie = async (url: string) => {
    const response = await fetch(`${url}/helpdesk/login`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    return response.headers.get('set-cookie') ?? '';
  };

  test('HttpOnly and SameSite=Lax always; Secure when the sidecar is published over https', async () => {
    const plain = await loginCookie(sidecar.url);
    expect(plain).toMatch(/HttpOnly/);
    expect(plain).toMatch(/SameSite=Lax/);
    expect(plain).not.toMatch(/Secure/);
    const published = await startTestSidecar(kut, mail, target, { PUBLIC_URL: 'https://helpdesk.example.org' });
    try {
      const secure = await loginCookie(published.url);
      expect(secure).toMatch(/HttpOnly/);
      expect(secure).toMatch(/SameSite=Lax/);
      expect(secure).toMatch(/; Secure/);
    } finally {
      await published.close();
    }
  });
});

describe('realm-config loader, fuzzed', () => {
  const demo = parse(readFileSync('realm-config/demo/realm.yaml', 'utf8'));
  const sidecarPolicy = readFileSync('realm-config/demo/sidecar.yaml', 'utf8');
  const env = { SIDECAR_CLIENT_SECRET: 'x'.repeat(32), DEMO_SMTP_HOST: 'localhost', DEMO_SMTP_PORT: '25' };
  const load = (realmYaml: string, sidecarYaml = sidecarPolicy) => {
    const dir = mkdtempSync(join(tmpdir(), 'fuzz-config-'));
    writeFileSync(join(dir, 'realm.yaml'), realmYaml);
    writeFileSync(join(dir, 'sidecar.yaml'), sidecarYaml);
    try {
      loadRealmConfig(dir, env);
      return 'loaded';
    } catch (error) {
      expect(error).toBeInstanceOf(RealmConfigError);
      expect((error as Error).message).toContain(dir);
      return 'refused';
    }
  };

  test('the demo folder loads', () => {
    expect(load(stringify(demo))).toBe('loaded');
  });

  test('random text, a YAML alias bomb and random values at random places are refused with a RealmConfigError naming the file', () => {
    const bomb = `a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n`;
    expect(load(bomb)).toBe('refused');
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), nasty), (text) => {
        tried['realm-config text'] = (tried['realm-config text'] ?? 0) + 1;
        load(text);
        load(stringify(demo), text);
      }),
      { numRuns: RUNS * 2 },
    );
    const paths: string[][] = [];
    const walk = (value: unknown, path: string[]) => {
      paths.push(path);
      if (value && typeof value === 'object')
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) walk(v, [...path, k]);
    };
    walk(demo, []);
    fc.assert(
      fc.property(
        fc.constantFrom(...paths.filter((p) => p.length > 0)),
        fc.oneof(fc.jsonValue(), nasty),
        (path, value) => {
          tried['realm-config values'] = (tried['realm-config values'] ?? 0) + 1;
          const copy = structuredClone(demo);
          let node = copy;
          for (const key of path.slice(0, -1)) node = node[key];
          node[path.at(-1) as string] = value;
          load(stringify(copy));
        },
      ),
      { numRuns: RUNS * 4 },
    );
  });
});
