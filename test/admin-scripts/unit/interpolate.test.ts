/** `${NAME}` and `${NAME:-default}` in realm-config files, and the realm-config loader around them. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { interpolate, loadRealmConfig, RealmConfigError } from '../../../realm-files/src/index.js';

test('references take the environment’s value, else the default', () => {
  const data = { smtp: { host: '${SMTP_HOST:-127.0.0.1}', port: '${SMTP_PORT:-1025}' }, uris: ['${BASE}/x'] };
  expect(interpolate('f.yaml', data, { SMTP_HOST: 'mailpit', BASE: 'https://s.example.org' })).toEqual({
    smtp: { host: 'mailpit', port: '1025' },
    uris: ['https://s.example.org/x'],
  });
  // An empty value counts as unset, so `NAME=` does not blank a host.
  expect(interpolate('f.yaml', '${A:-a}', { A: '' })).toBe('a');
  expect(interpolate('f.yaml', { n: 5, b: true, s: 'no $ref {here}' }, {})).toEqual({
    n: 5,
    b: true,
    s: 'no $ref {here}',
  });
});

test('an unset variable without a default is an error naming it and where', () => {
  expect(() => interpolate('realm.yaml', { smtp: { host: '${MISSING_HOST}' } }, {})).toThrow(
    new RealmConfigError('realm.yaml: smtp.host: environment variable MISSING_HOST is not set'),
  );
});

test('the demo realm reads its SMTP server from the environment, as docker-compose sets it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'interp-'));
  for (const file of ['realm.yaml', 'sidecar.yaml'])
    writeFileSync(join(dir, file), readFileSync(join('realm-config/demo', file)));
  const env = { SIDECAR_CLIENT_SECRET: 's3cret-value', DEMO_SMTP_HOST: 'mailpit' };
  expect(loadRealmConfig(dir, env).realm.smtp).toMatchObject({ host: 'mailpit', port: 1025 });
  expect(loadRealmConfig(dir, { ...env, DEMO_SMTP_HOST: '' }).realm.smtp).toMatchObject({ host: '127.0.0.1' });
  expect(() => loadRealmConfig(dir, { ...env, DEMO_SMTP_PORT: 'twenty-five' })).toThrow(/smtp\.port/);
});
