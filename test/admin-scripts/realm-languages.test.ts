/**
 * realm.yaml `internationalization`: the admin scripts set the realm's languages (RealmRepresentation
 * `internationalizationEnabled`, `supportedLocales`, `defaultLocale`), plan and verify report drift in them,
 * a file without the section leaves them alone, and export writes them back. Runs against the emulator or a
 * real Keycloak 26 (KEYCLOAK_URL).
 */
import { join } from 'node:path';
import { parse } from 'yaml';
import { applyChanges, exportRealmFile, planRealm } from '../../admin-scripts/src/index.js';
import { RealmConfigError } from '../../realm-files/src/index.js';
import { cli, dir, kc, realm, usePolicyLab, writePolicy } from './policy-lab.js';

usePolicyLab('languages');

beforeAll(async () => {
  await applyChanges(await planRealm(kc, writePolicy()));
});

describe('realm.yaml internationalization', () => {
  test('apply sets the languages of realm-config/demo (en, fr, de; default en), and a second plan is empty', async () => {
    const live = await kc.realms.findOne({ realm });
    expect(live?.internationalizationEnabled).toBe(true);
    expect([...(live?.supportedLocales ?? [])].sort()).toEqual(['de', 'en', 'fr']);
    expect(live?.defaultLocale).toBe('en');
    expect(await planRealm(kc, writePolicy())).toEqual([]);
  });

  test('plan shows drift in the languages, verify fails on it, apply puts them back', async () => {
    await kc.realms.update({ realm }, { supportedLocales: ['en', 'fr', 'it'], defaultLocale: 'fr' });
    const plan = await planRealm(kc, writePolicy());
    expect(plan.map((c) => [c.area, c.summary, c.details])).toEqual([
      [
        'localization',
        'update the realm languages (internationalization)',
        ['internationalization.supportedLocales: +de -it', 'internationalization.defaultLocale: "fr" -> "en"'],
      ],
    ]);
    const verify = await cli('verify', dir);
    expect(verify.status).toBe(1);
    expect(verify.stdout + verify.stderr).toContain('internationalization.supportedLocales: +de -it');

    expect((await cli('apply', dir)).status).toBe(0);
    expect((await cli('verify', dir)).status).toBe(0);
    expect((await kc.realms.findOne({ realm }))?.defaultLocale).toBe('en');
  });

  test('turning internationalization off is a change; a file without the section leaves the languages alone', async () => {
    const off = writePolicy((policy) => {
      policy.internationalization.enabled = false;
    });
    expect((await planRealm(kc, off)).flatMap((c) => c.details)).toEqual([
      'internationalization.internationalizationEnabled: true -> false',
    ]);
    const silent = writePolicy((policy) => {
      delete policy.internationalization;
    });
    await kc.realms.update({ realm }, { supportedLocales: ['en', 'fr'] });
    expect(await planRealm(kc, silent)).toEqual([]);
    await applyChanges(await planRealm(kc, writePolicy()));
  });

  test('a default language outside the supported ones, or a malformed tag, is refused with the file and path', () => {
    const file = join(dir, 'realm.yaml');
    const refused = (change: (policy: Record<string, any>) => void) => {
      try {
        writePolicy(change);
      } catch (error) {
        expect(error).toBeInstanceOf(RealmConfigError);
        return (error as Error).message;
      }
      throw new Error('the policy was accepted');
    };
    expect(
      refused((policy) => {
        policy.internationalization.defaultLocale = 'es';
      }),
    ).toContain(`${file}: internationalization.defaultLocale: es is not one of supportedLocales`);
    expect(
      refused((policy) => {
        policy.internationalization.supportedLocales = ['en', 'French'];
      }),
    ).toContain(`${file}: internationalization.supportedLocales.1: expected a language tag`);
  });

  test('export writes the languages back in the same shape', async () => {
    const exported = parse(await exportRealmFile(kc, realm));
    expect(exported.internationalization).toEqual({
      enabled: true,
      supportedLocales: ['de', 'en', 'fr'],
      defaultLocale: 'en',
    });
  });
});
