import {
  createTestRealm,
  type KeycloakUnderTest,
  masterAdminClient,
  startKeycloakUnderTest,
} from '../support/keycloak.js';

let kut: KeycloakUnderTest;
beforeAll(async () => {
  kut = await startKeycloakUnderTest();
});
afterAll(() => kut.close());

test('admin client logs in and creates a realm', async () => {
  const kc = await masterAdminClient(kut);
  const name = await createTestRealm(kc, 'smoke');
  const realm = await kc.realms.findOne({ realm: name });
  expect(realm?.realm).toBe(name);
  expect(realm?.otpPolicyDigits).toBe(6);
  await kc.realms.del({ realm: name });
  expect(await kc.realms.findOne({ realm: name })).toBeNull();
});
