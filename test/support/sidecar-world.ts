/**
 * Everything a test of the running sidecar starts from, in one call: the Keycloak under test, a mail
 * catcher, a realm bootstrapped with the given sidecar policy and populated by the test, and the sidecar
 * started on it (its first pass done). `close()` stops them all. `useSidecarRealm()` is the same as hooks
 * of a test file, in the labs' style (test/emulator/*-lab.ts): the `let`s are ES module live bindings.
 */
import type { Sidecar } from '../../sidecar/src/main.js';
import { type KeycloakUnderTest, masterAdminClient, startKeycloakUnderTest } from './keycloak.js';
import { bootstrapRealm, startTestSidecar, type TestRealm } from './sidecar-realm.js';
import { type MailCatcher, startMailCatcher } from './smtp.js';

export interface SidecarWorld {
  kut: KeycloakUnderTest;
  kc: Awaited<ReturnType<typeof masterAdminClient>>;
  mail: MailCatcher;
  target: TestRealm;
  sidecar: Sidecar;
  close(): Promise<void>;
}

export const startSidecarWorld = async (options: {
  prefix: string;
  sidecarPolicy: Record<string, unknown>;
  /** creates the realm's users before the sidecar starts */
  populate?: (kc: SidecarWorld['kc'], realm: string) => Promise<unknown>;
  /** settings added to the test sidecar's */
  env?: Record<string, string>;
}): Promise<SidecarWorld> => {
  const [kut, mail] = await Promise.all([startKeycloakUnderTest(), startMailCatcher()]);
  const kc = await masterAdminClient(kut);
  const target = await bootstrapRealm(kc, mail, options.sidecarPolicy, options.prefix);
  await options.populate?.(kc, target.realm);
  const sidecar = await startTestSidecar(kut, mail, target, options.env);
  await sidecar.firstPass;
  return {
    kut,
    kc,
    mail,
    target,
    sidecar,
    close: async () => {
      await sidecar.close();
      await Promise.all([mail.close(), kut.close()]);
    },
  };
};

export let kut: KeycloakUnderTest;
export let kc: SidecarWorld['kc'];
export let mail: MailCatcher;
export let target: TestRealm;
export let sidecar: Sidecar;

/**
 * Registers the hooks that start the world before the file's tests and stop it after them. `populate`
 * runs once kut, kc, mail and target are set, before the sidecar starts; `env` (settings added to the
 * test sidecar's) is read then too.
 */
export const useSidecarRealm = (
  sidecarPolicy: Record<string, unknown>,
  prefix: string,
  options: { populate?: () => Promise<unknown>; env?: () => Record<string, string>; timeout?: number } = {},
) => {
  beforeAll(async () => {
    [kut, mail] = await Promise.all([startKeycloakUnderTest(), startMailCatcher()]);
    kc = await masterAdminClient(kut);
    target = await bootstrapRealm(kc, mail, sidecarPolicy, prefix);
    await options.populate?.();
    sidecar = await startTestSidecar(kut, mail, target, options.env?.());
    await sidecar.firstPass;
  }, options.timeout);
  afterAll(async () => {
    await sidecar?.close();
    await Promise.all([mail?.close(), kut?.close()]);
  });
};
