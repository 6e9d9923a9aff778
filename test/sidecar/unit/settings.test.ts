/** Settings the sidecar refuses at start, with one message naming them. */
import { expect, test } from '@jest/globals';
import { ConfigurationError, loadSettings } from '../../../sidecar/src/config/load.js';

const base = {
  KEYCLOAK_URL: 'http://127.0.0.1:8080',
  KEYCLOAK_REALM: 'demo',
  SIDECAR_CLIENT_SECRET: 'x',
  HELPDESK_SESSION_SECRET: 'k'.repeat(32),
};

test('TRUST_PROXY: a hop count, or addresses, subnets and the named ranges', () => {
  // An empty variable is an unset one, as for every setting.
  for (const unset of [{}, { TRUST_PROXY: '' }])
    expect(loadSettings({ ...base, ...unset }).TRUST_PROXY).toBeUndefined();
  expect(loadSettings({ ...base, TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1);
  for (const value of ['loopback', '10.0.0.0/8, 192.168.1.7', 'uniquelocal,fd00::/8', '::1'])
    expect(loadSettings({ ...base, TRUST_PROXY: value }).TRUST_PROXY).toBe(value);
});

test.each(['true', 'everyone', '10.0.0.0/8/1', '300.1.1.1', 'loopback/8', '10.0.0.0/33', '::/129', '-1', ' , '])(
  'TRUST_PROXY=%j stops the start naming the setting',
  (value) => {
    expect(() => loadSettings({ ...base, TRUST_PROXY: value })).toThrow(ConfigurationError);
    expect(() => loadSettings({ ...base, TRUST_PROXY: value })).toThrow(/TRUST_PROXY/);
  },
);

test('both listeners bind loopback unless told otherwise; the HTTP limits have defaults', () => {
  expect(loadSettings(base)).toMatchObject({
    LISTEN_HOST: '127.0.0.1',
    PORT: 8081,
    METRICS_HOST: '127.0.0.1',
    METRICS_PORT: 9464,
    HTTP_REQUEST_TIMEOUT_SECONDS: 30,
    HTTP_HEADERS_TIMEOUT_SECONDS: 10,
    HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: 5,
    HTTP_MAX_CONNECTIONS: 1024,
  });
});

test('a header timeout longer than the request timeout stops the start naming it', () => {
  const settings = { ...base, HTTP_HEADERS_TIMEOUT_SECONDS: '60', HTTP_REQUEST_TIMEOUT_SECONDS: '30' };
  expect(() => loadSettings(settings)).toThrow(
    'HTTP_HEADERS_TIMEOUT_SECONDS: must not exceed HTTP_REQUEST_TIMEOUT_SECONDS',
  );
  expect(() => loadSettings({ ...base, METRICS_PORT: '70000' })).toThrow(/^METRICS_PORT: /);
});

test('HELPDESK_SESSION_SECRET: required, at least 32 characters, never echoed', () => {
  const { HELPDESK_SESSION_SECRET: _, ...without } = base;
  expect(() => loadSettings(without)).toThrow('HELPDESK_SESSION_SECRET: is required');
  expect(() => loadSettings({ ...base, HELPDESK_SESSION_SECRET: 'short-secret-value' })).toThrow(
    /^HELPDESK_SESSION_SECRET: is invalid$/,
  );
});

test("links in emails and pages use Keycloak's public address, calls its internal one", async () => {
  const { realmContextOf } = await import('../../../sidecar/src/realm-context.js');
  const realm = realmContextOf(
    loadSettings({ ...base, KEYCLOAK_URL: 'http://keycloak:8080', KEYCLOAK_PUBLIC_URL: 'https://sso.example.org' }),
  );
  expect(realm.url).toBe('http://keycloak:8080/realms/demo');
  expect(realm.publicUrl).toBe('https://sso.example.org/realms/demo');
  expect(realm.accountUrl).toBe('https://sso.example.org/realms/demo/account');
});
