/**
 * Authentication management through the official admin client: flows, copies, executions, configs
 * and required actions, with Keycloak's rules for built-in flows and its error answers.
 */
import { createTestRealm, http } from '../support/keycloak.js';
import { kc, kut, useKeycloakAdmin } from '../support/keycloak-admin.js';

let token: string;
let realm: string;

useKeycloakAdmin();
beforeAll(async () => {
  token = (await kc.getAccessToken()) as string;
  realm = await createTestRealm(kc, 'authn');
});

const auth = () => kc.authenticationManagement;
const api = (path: string, init: Parameters<typeof http>[2] = {}) =>
  http(kut, `/admin/realms/${realm}/authentication${path}`, { token, ...init });

describe('flows', () => {
  test('the built-in flows of a new realm, with their executions as an export holds them', async () => {
    const flows = await auth().getFlows({ realm });
    const aliases = flows.map((f) => f.alias);
    expect(aliases).toEqual(
      expect.arrayContaining([
        'browser',
        'direct grant',
        'registration',
        'reset credentials',
        'clients',
        'first broker login',
        'docker auth',
      ]),
    );
    expect(flows.every((f) => f.topLevel && f.builtIn)).toBe(true);
    const reset = flows.find((f) => f.alias === 'reset credentials');
    expect(reset).toMatchObject({ providerId: 'basic-flow', description: expect.any(String) });
    expect(reset?.authenticationExecutions?.map((e) => e.authenticator ?? e.flowAlias)).toEqual([
      'reset-credentials-choose-user',
      'reset-credential-email',
      'reset-password',
      'Reset - Conditional OTP',
    ]);
    expect(reset?.authenticationExecutions?.[3]).toMatchObject({ authenticatorFlow: true, requirement: 'CONDITIONAL' });
  });

  test('the executions list flattens the tree with level, index and requirement choices', async () => {
    const rows = await auth().getExecutions({ realm, flow: 'browser' });
    const forms = rows.find((r) => r.displayName === 'forms');
    expect(forms).toMatchObject({
      level: 0,
      authenticationFlow: true,
      requirement: 'ALTERNATIVE',
      configurable: false,
    });
    expect(forms?.requirementChoices).toEqual(['REQUIRED', 'ALTERNATIVE', 'DISABLED', 'CONDITIONAL']);
    const otp = rows.find((r) => r.providerId === 'auth-otp-form');
    expect(otp).toMatchObject({ displayName: 'OTP Form', level: 2, requirement: 'ALTERNATIVE' });
    // The OTP form follows the subflow's conditions: "Condition - user configured" and, in current 26.x
    // releases, "Condition - credential" (contract §8/§11), so its index is 1 or 2 depending on the release.
    const subflowStart = rows.findIndex((r) => r.displayName === 'Browser - Conditional 2FA');
    const siblingsBefore = rows.slice(subflowStart + 1, rows.indexOf(otp as (typeof rows)[number]));
    expect(siblingsBefore.every((r) => r.providerId?.startsWith('conditional-'))).toBe(true);
    expect(otp?.index).toBe(siblingsBefore.length);
    const cookie = rows[0];
    expect(cookie).toMatchObject({ providerId: 'auth-cookie', level: 0, index: 0, priority: 10 });
    const unknown = await api('/flows/nope/executions');
    expect(unknown.status).toBe(404);
  });

  test('built-in flows are read-only: no new executions, no deletion', async () => {
    const add = await api('/flows/browser/executions/execution', {
      method: 'POST',
      json: { provider: 'auth-otp-form' },
    });
    expect(add.status).toBe(400);
    expect(add.json).toEqual({ error: 'It is illegal to add execution to a built in flow' });
    const browser = (await auth().getFlows({ realm })).find((f) => f.alias === 'browser');
    const del = await api(`/flows/${browser?.id}`, { method: 'DELETE' });
    expect(del.status).toBe(400);
    expect(del.json).toEqual({ error: "Can't delete built in flow" });
    const otp = (await auth().getExecutions({ realm, flow: 'browser' })).find((r) => r.providerId === 'auth-otp-form');
    const raise = await api(`/executions/${otp?.id}/raise-priority`, { method: 'POST' });
    expect(raise.status).toBe(400);
  });

  test('a copy names its subflows and configs after the new name, and is editable', async () => {
    await auth().copyFlow({ realm, flow: 'reset credentials', newName: 'reset-otp-copy' });
    const rows = await auth().getExecutions({ realm, flow: 'reset-otp-copy' });
    const sub = rows.find((r) => r.authenticationFlow);
    expect(sub?.displayName).toBe('reset-otp-copy Reset - Conditional OTP');
    const copy = (await auth().getFlows({ realm })).find((f) => f.alias === 'reset-otp-copy');
    expect(copy).toMatchObject({ builtIn: false, topLevel: true });

    // Configure Reset OTP in the copy; the built-in flow is untouched.
    const resetOtp = rows.find((r) => r.providerId === 'reset-otp');
    expect(resetOtp?.configurable).toBe(true);
    const { id: createdConfigId } = await auth().createConfig({
      realm,
      id: resetOtp?.id as string,
      alias: 'reset-otp-mode',
      config: { action_on_otp_reset_flag: 'Remove one' },
    });
    const configId = createdConfigId as string;
    expect(await auth().getConfig({ realm, id: configId })).toEqual({
      id: configId,
      alias: 'reset-otp-mode',
      config: { action_on_otp_reset_flag: 'Remove one' },
    });
    const withConfig = (await auth().getExecutions({ realm, flow: 'reset-otp-copy' })).find(
      (r) => r.providerId === 'reset-otp',
    );
    expect(withConfig).toMatchObject({ alias: 'reset-otp-mode', authenticationConfig: configId });
    const builtIn = (await auth().getExecutions({ realm, flow: 'reset credentials' })).find(
      (r) => r.providerId === 'reset-otp',
    );
    expect(builtIn?.authenticationConfig).toBeUndefined();

    await auth().updateConfig({
      realm,
      id: configId,
      alias: 'reset-otp-mode',
      config: { action_on_otp_reset_flag: 'Remove all' },
    });
    expect((await auth().getConfig({ realm, id: configId })).config).toEqual({
      action_on_otp_reset_flag: 'Remove all',
    });

    // A copy of the copy copies the config under a new alias.
    await auth().copyFlow({ realm, flow: 'reset-otp-copy', newName: 'second' });
    const second = (await auth().getExecutions({ realm, flow: 'second' })).find((r) => r.providerId === 'reset-otp');
    expect(second?.alias).toBe('second reset-otp-mode');
    expect(second?.authenticationConfig).not.toBe(configId);

    await auth().delConfig({ realm, id: configId });
    const missing = await api(`/config/${configId}`);
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ error: 'Could not find authenticator config' });
  });

  test('copying onto an existing name or from an unknown flow fails as Keycloak does', async () => {
    const taken = await api('/flows/browser/copy', { method: 'POST', json: { newName: 'direct grant' } });
    expect(taken.status).toBe(409);
    expect(taken.json).toEqual({ errorMessage: 'New flow alias name already exists' });
    const unknown = await api('/flows/nope/copy', { method: 'POST', json: { newName: 'x-copy' } });
    expect(unknown.status).toBe(404);
    expect(unknown.json).toEqual({ error: 'Flow not found' });
  });

  test('new flows and executions: priorities, requirement updates, reordering, deletion', async () => {
    const { id: createdFlowId } = await auth().createFlow({
      realm,
      alias: 'my-browser',
      description: 'mine',
      providerId: 'basic-flow',
      topLevel: true,
      builtIn: false,
    });
    const flowId = createdFlowId as string;
    const duplicate = await api('/flows', { method: 'POST', json: { alias: 'my-browser', providerId: 'basic-flow' } });
    expect(duplicate.status).toBe(409);
    expect(duplicate.json).toEqual({ errorMessage: 'Flow my-browser already exists' });

    await auth().addExecutionToFlow({ realm, flow: 'my-browser', provider: 'auth-username-password-form' });
    await auth().addFlowToFlow({
      realm,
      flow: 'my-browser',
      alias: 'my-2fa',
      type: 'basic-flow',
      description: '',
      provider: '',
    });
    await auth().addExecutionToFlow({ realm, flow: 'my-2fa', provider: 'auth-otp-form' });
    const badProvider = await api('/flows/my-browser/executions/execution', {
      method: 'POST',
      json: { provider: 'no-such-thing' },
    });
    expect(badProvider.status).toBe(400);
    expect(badProvider.json).toEqual({ error: 'No authentication provider found for id: no-such-thing' });

    let rows = await auth().getExecutions({ realm, flow: 'my-browser' });
    expect(rows.map((r) => [r.displayName, r.level, (r as { priority?: number }).priority, r.requirement])).toEqual([
      ['Username Password Form', 0, 0, 'REQUIRED'], // single requirement choice: REQUIRED
      ['my-2fa', 0, 1, 'DISABLED'],
      ['OTP Form', 1, 0, 'DISABLED'],
    ]);

    const sub = rows[1];
    await auth().updateExecution({ realm, flow: 'my-browser' }, { ...sub, requirement: 'CONDITIONAL' });
    await auth().lowerPriorityExecution({ realm, id: rows[0]?.id as string });
    rows = await auth().getExecutions({ realm, flow: 'my-browser' });
    expect(rows.map((r) => r.displayName)).toEqual(['my-2fa', 'OTP Form', 'Username Password Form']);
    expect(rows[0]?.requirement).toBe('CONDITIONAL');

    await auth().delExecution({ realm, id: rows[0]?.id as string });
    rows = await auth().getExecutions({ realm, flow: 'my-browser' });
    expect(rows.map((r) => r.displayName)).toEqual(['Username Password Form']);
    expect((await auth().getFlows({ realm })).some((f) => f.alias === 'my-2fa')).toBe(false);

    await auth().updateFlow(
      { realm, flowId },
      { alias: 'my-browser-renamed', description: 'renamed', providerId: 'basic-flow' },
    );
    expect(await auth().getFlow({ realm, flowId })).toMatchObject({
      alias: 'my-browser-renamed',
      description: 'renamed',
    });

    // A bound flow can't be deleted; unbound, it can.
    await kc.realms.update({ realm }, { browserFlow: 'my-browser-renamed' });
    expect((await api(`/flows/${flowId}`, { method: 'DELETE' })).status).toBe(400);
    await kc.realms.update({ realm }, { browserFlow: 'browser' });
    await auth().deleteFlow({ realm, flowId });
    const gone = await api(`/flows/${flowId}`);
    expect(gone.status).toBe(404);
    expect(gone.json).toEqual({ error: 'Could not find flow with id' });
  });
});

describe('required actions', () => {
  test('listed in priority order with Keycloak 26 defaults', async () => {
    const actions = await auth().getRequiredActions({ realm } as never);
    expect(actions.slice(0, 5).map((a) => [a.alias, a.priority, a.enabled])).toEqual([
      ['CONFIGURE_TOTP', 10, true],
      ['TERMS_AND_CONDITIONS', 20, false],
      ['UPDATE_PASSWORD', 30, true],
      ['UPDATE_PROFILE', 40, true],
      ['VERIFY_EMAIL', 50, true],
    ]);
    expect(actions[0]).toEqual({
      alias: 'CONFIGURE_TOTP',
      name: 'Configure OTP',
      providerId: 'CONFIGURE_TOTP',
      enabled: true,
      defaultAction: false,
      priority: 10,
      config: {},
    });
  });

  test('CONFIGURE_TOTP as a default action goes to new users only', async () => {
    const before = await kc.users.create({ realm, username: 'before-default', enabled: true });
    const current = await auth().getRequiredActionForAlias({ realm, alias: 'CONFIGURE_TOTP' });
    await auth().updateRequiredAction({ realm, alias: 'CONFIGURE_TOTP' }, { ...current, defaultAction: true });
    expect((await auth().getRequiredActionForAlias({ realm, alias: 'CONFIGURE_TOTP' })).defaultAction).toBe(true);
    const after = await kc.users.create({ realm, username: 'after-default', enabled: true });
    expect((await kc.users.findOne({ realm, id: after.id }))?.requiredActions).toEqual(['CONFIGURE_TOTP']);
    expect((await kc.users.findOne({ realm, id: before.id }))?.requiredActions).toEqual([]);
    await auth().updateRequiredAction({ realm, alias: 'CONFIGURE_TOTP' }, { ...current, defaultAction: false });
  });

  test('priorities move, unknown aliases 404, unregistered providers can be registered', async () => {
    await auth().lowerRequiredActionPriority({ realm, alias: 'CONFIGURE_TOTP' });
    let order = (await auth().getRequiredActions({ realm } as never)).map((a) => a.alias);
    expect(order.slice(0, 2)).toEqual(['TERMS_AND_CONDITIONS', 'CONFIGURE_TOTP']);
    await auth().raiseRequiredActionPriority({ realm, alias: 'CONFIGURE_TOTP' });
    order = (await auth().getRequiredActions({ realm } as never)).map((a) => a.alias);
    expect(order[0]).toBe('CONFIGURE_TOTP');

    const missing = await api('/required-actions/NOPE');
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ error: 'Failed to find required action' });

    const unregistered = await auth().getUnregisteredRequiredActions({ realm } as never);
    const recovery = unregistered.find((u) => u.providerId === 'CONFIGURE_RECOVERY_AUTHN_CODES');
    expect(recovery).toBeDefined();
    await auth().registerRequiredAction({
      realm,
      providerId: 'CONFIGURE_RECOVERY_AUTHN_CODES',
      name: 'Recovery codes',
    });
    const registered = await auth().getRequiredActionForAlias({ realm, alias: 'CONFIGURE_RECOVERY_AUTHN_CODES' });
    expect(registered).toMatchObject({ enabled: true, defaultAction: false, name: 'Recovery codes' });
    const bad = await api('/register-required-action', { method: 'POST', json: { providerId: 'nope' } });
    expect(bad.status).toBe(400);
  });

  test('UPDATE_PASSWORD takes a max_auth_age config; others are not configurable', async () => {
    await auth().updateRequiredActionConfig({ realm, alias: 'UPDATE_PASSWORD' }, { config: { max_auth_age: '600' } });
    expect(await auth().getRequiredActionConfig({ realm, alias: 'UPDATE_PASSWORD' })).toEqual({
      config: { max_auth_age: '600' },
    });
    const notConfigurable = await api('/required-actions/VERIFY_EMAIL/config');
    expect(notConfigurable.status).toBe(400);
    await auth().removeRequiredActionConfig({ realm, alias: 'UPDATE_PASSWORD' });
    // Keycloak answers a registered action with nothing set as 200 {"config":{}} (contract §12).
    const removed = await api('/required-actions/UPDATE_PASSWORD/config');
    expect(removed.status).toBe(200);
    expect(removed.json).toEqual({ config: {} });
  });
});

describe('realm import', () => {
  test('a realm created with flows, configs and required actions uses them', async () => {
    const name = `imported-${Date.now()}`;
    await kc.realms.create({
      realm: name,
      enabled: true,
      browserFlow: 'otp-browser',
      authenticatorConfig: [{ alias: 'reset-mode', config: { action_on_otp_reset_flag: 'Remove one' } }],
      authenticationFlows: [
        {
          alias: 'otp-browser',
          description: 'password then OTP',
          providerId: 'basic-flow',
          topLevel: true,
          builtIn: false,
          authenticationExecutions: [
            {
              authenticator: 'auth-username-password-form',
              requirement: 'REQUIRED',
              priority: 10,
              authenticatorFlow: false,
            },
            { flowAlias: 'otp-browser otp', requirement: 'REQUIRED', priority: 20, authenticatorFlow: true },
          ],
        },
        {
          alias: 'otp-browser otp',
          description: '',
          providerId: 'basic-flow',
          topLevel: false,
          builtIn: false,
          authenticationExecutions: [
            { authenticator: 'auth-otp-form', requirement: 'REQUIRED', priority: 10, authenticatorFlow: false },
            {
              authenticator: 'reset-otp',
              authenticatorConfig: 'reset-mode',
              requirement: 'DISABLED',
              priority: 20,
              authenticatorFlow: false,
            },
          ],
        },
      ],
      requiredActions: [
        {
          alias: 'CONFIGURE_TOTP',
          name: 'Configure OTP',
          providerId: 'CONFIGURE_TOTP',
          enabled: true,
          defaultAction: true,
          priority: 10,
          config: {},
        },
      ],
    });
    try {
      const rows = await auth().getExecutions({ realm: name, flow: 'otp-browser' });
      expect(rows.map((r) => [r.displayName, r.level, r.requirement])).toEqual([
        ['Username Password Form', 0, 'REQUIRED'],
        ['otp-browser otp', 0, 'REQUIRED'],
        ['OTP Form', 1, 'REQUIRED'],
        ['Reset OTP', 1, 'DISABLED'],
      ]);
      expect(rows[3]?.alias).toBe('reset-mode');
      expect((await kc.realms.findOne({ realm: name }))?.browserFlow).toBe('otp-browser');
      expect((await auth().getRequiredActionForAlias({ realm: name, alias: 'CONFIGURE_TOTP' })).defaultAction).toBe(
        true,
      );
      // the built-in flows are still there
      expect((await auth().getFlows({ realm: name })).some((f) => f.alias === 'reset credentials')).toBe(true);
    } finally {
      await kc.realms.del({ realm: name });
    }
  });
});
