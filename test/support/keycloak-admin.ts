/**
 * The opening most admin-API test files share: a Keycloak under test (the emulator, or a real one with
 * KEYCLOAK_URL) and an admin client logged into master. `useKeycloakAdmin()` registers the hooks that
 * start them before the file's tests and close them after; as in the labs (test/emulator/*-lab.ts), the
 * `let`s are ES module live bindings set by those hooks.
 */
import { type KeycloakUnderTest, masterAdminClient, startKeycloakUnderTest } from './keycloak.js';

export let kut: KeycloakUnderTest;
export let kc: Awaited<ReturnType<typeof masterAdminClient>>;

export const useKeycloakAdmin = () => {
  beforeAll(async () => {
    kut = await startKeycloakUnderTest();
    kc = await masterAdminClient(kut);
  });
  afterAll(() => kut?.close());
};
