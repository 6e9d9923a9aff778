/**
 * The opening most admin-API test files share: a Keycloak under test (the emulator, or a real one with
 * KEYCLOAK_URL) and an admin client logged into master. `useKeycloakAdmin()` registers the hooks that
 * start them before the file's tests and close them after; as in the labs (test/emulator/*-lab.ts), the
 * `let`s are ES module live bindings set by those hooks. With `{ mail: true }` a mail catcher starts too
 * (the labs' realms send their emails to it).
 */
import { type KeycloakUnderTest, masterAdminClient, startKeycloakUnderTest } from './keycloak.js';
import { type MailCatcher, startMailCatcher } from './smtp.js';

export let kut: KeycloakUnderTest;
export let kc: Awaited<ReturnType<typeof masterAdminClient>>;
export let mail: MailCatcher;

export const useKeycloakAdmin = (options: { mail?: boolean } = {}) => {
  beforeAll(async () => {
    [kut] = await Promise.all([
      startKeycloakUnderTest(),
      options.mail ? startMailCatcher().then((started) => (mail = started)) : undefined,
    ]);
    kc = await masterAdminClient(kut);
  });
  afterAll(async () => {
    await mail?.close();
    await kut?.close();
  });
};
