/** The benchmark's realm: bootstrapped with the admin scripts, seeded in bulk, and the naive baseline's reads. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type KcAdminClient from '@keycloak/keycloak-admin-client';
import { parse, stringify } from 'yaml';
import { applyChanges, planRealm } from '../admin-scripts/src/index.js';
import { otpCredential } from '../devkit/src/index.js';
import { loadRealmConfig } from '../realm-files/src/index.js';
import { SECRET, SEED_SECRET } from './options.js';

const GROUPS = ['staff', 'researchers', 'students', 'visitors', 'it'];
const DEVICE_LABELS = ['Pixel 8', 'iPhone 15', 'oathtool laptop'];

/** ~40 % of users hold 1–3 devices (deterministic, so runs compare). */
export const devicesOf = (i: number) => (i % 5 < 2 ? 1 + (i % 3) : 0);

export const usernameOf = (i: number) => `user${String(i).padStart(6, '0')}`;

export const seedRealm = async (kc: KcAdminClient, realm: string, users: number) => {
  for (const name of GROUPS) await kc.groups.create({ realm, name });
  const chunk = 2000;
  for (let start = 0; start < users; start += chunk) {
    const batch = Array.from({ length: Math.min(chunk, users - start) }, (_, k) => {
      const i = start + k;
      const username = usernameOf(i);
      return {
        username,
        email: `${username}@bench.example.org`,
        enabled: true,
        emailVerified: true,
        groups: [`/${GROUPS[i % GROUPS.length]}`],
        credentials: [
          { type: 'password', value: 'pw', temporary: false },
          ...Array.from({ length: devicesOf(i) }, (_, d) => otpCredential(DEVICE_LABELS[d] as string, SEED_SECRET)),
        ],
      };
    });
    await kc.realms.partialImport({ realm, rep: { ifResourceExists: 'FAIL', users: batch } as never });
  }
};

export const bootstrap = async (kc: KcAdminClient, realm: string) => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-realm-'));
  const declared = parse(readFileSync('realm-config/demo/realm.yaml', 'utf8'));
  declared.realm = realm;
  declared.smtp = { host: '127.0.0.1', port: 9, from: 'keycloak@bench.example.org' };
  // The helpdesk account the load test signs in with must not be asked to set up OTP first.
  declared.requiredActions.CONFIGURE_TOTP.defaultAction = false;
  writeFileSync(join(dir, 'realm.yaml'), stringify(declared));
  writeFileSync(
    join(dir, 'sidecar.yaml'),
    stringify({
      enforcement: { scope: 'all', deadline: '2099-01-01', reminders: { enabled: false } },
      devices: { notifyOwners: false },
      recovery: { rateLimit: { perIpPer15Minutes: 1_000_000, perAccountPerHour: 1_000_000 } },
    }),
  );
  await applyChanges(await planRealm(kc, loadRealmConfig(dir, { SIDECAR_CLIENT_SECRET: SECRET })));
  return dir;
};

/** The helpdesk account the benchmark signs in with: password and a device, as staff need (acr=mfa). */
export const HELPER = { username: 'bench-helper', password: 'helper-pw', otpSecret: SEED_SECRET };

/** Creates the helpdesk account; returns its id. */
export const createHelper = async (kc: KcAdminClient, realm: string) => {
  const helper = await kc.users.create({
    realm,
    username: HELPER.username,
    enabled: true,
    email: 'helper@bench.example.org',
    emailVerified: true,
    credentials: [
      { type: 'password', value: HELPER.password, temporary: false },
      otpCredential('Staff phone', HELPER.otpSecret),
    ],
  });
  const roles = await Promise.all(
    ['otp-helpdesk', 'otp-helpdesk-admin'].map((name) => kc.roles.findOneByName({ realm, name })),
  );
  await kc.users.addRealmRoleMappings({
    realm,
    id: helper.id,
    roles: roles.map((r) => ({ id: r?.id as string, name: r?.name as string })),
  });
  return helper.id;
};

/** What an admin script would do: list the users, then read each one's credentials, one at a time. */
export const naiveBaseline = async (kc: KcAdminClient, realm: string, limit: number) => {
  let read = 0;
  let withOtp = 0;
  for (let first = 0; read < limit; first += 100) {
    const page = await kc.users.find({ realm, first, max: 100 });
    for (const user of page) {
      if (read >= limit) break;
      const credentials = await kc.users.getCredentials({ realm, id: user.id as string });
      if (credentials.some((c) => c.type === 'otp')) withOtp += 1;
      read += 1;
    }
    if (page.length < 100) break;
  }
  return { read, withOtp };
};
