/** Plans the realm's browser and reset-credentials flows: built-in copies shaped by realm.yaml and sidecar.yaml. */
import type KcAdminClient from '@keycloak/keycloak-admin-client';
import type RealmRepresentation from '@keycloak/keycloak-admin-client/lib/defs/realmRepresentation.js';
import type { RealmConfig } from '../../realm-files/src/index.js';
import type { Change } from './change.js';
import { desiredBrowserSteps, stepDifferences } from './desired.js';
import { withLevels } from './desired-levels.js';
import { desiredResetSteps, type ResetPolicy, withLinkOnlyRefusal } from './desired-recovery.js';
import { buildFlow, readFlow } from './flows.js';
import { clientByClientId } from './lookups.js';
import { protectedConditionNames, type RoleLookups } from './protected-roles.js';

const show = (value: unknown) => (value === undefined ? '(unset)' : JSON.stringify(value));

/** sidecar.yaml's recovery level and protected roles as condition names, each checked against the live realm. */
const resetPolicyOf = async (kc: KcAdminClient, config: RealmConfig): Promise<ResetPolicy> => {
  const realm = config.realm.realm;
  const { level, protectedRoles } = config.sidecar.recovery;
  const lookups: RoleLookups = {
    clientRoles: async (clientId) => {
      const client = await clientByClientId(kc, realm, clientId);
      return client?.id
        ? (await kc.clients.listRoles({ realm, id: client.id })).map((r) => r.name as string)
        : undefined;
    },
    realmRoleExists: async (name) => Boolean(await kc.roles.findOneByName({ realm, name })),
  };
  const declared = new Set(config.realm.helpdesk.roles.map((r) => r.name));
  return { level, protectedRoles: await protectedConditionNames(protectedRoles, lookups, declared) };
};

export const planFlows = async (
  kc: KcAdminClient,
  config: RealmConfig,
  live: RealmRepresentation,
): Promise<Change[]> => {
  const realm = config.realm.realm;
  const resetPolicy = await resetPolicyOf(kc, config);
  const specs = [
    {
      builtIn: 'browser',
      alias: config.realm.browserFlow.alias,
      binding: 'browserFlow' as const,
      desired: (steps: Parameters<typeof desiredBrowserSteps>[0]) =>
        withLevels(
          withLinkOnlyRefusal(desiredBrowserSteps(steps, config.realm.browserFlow.otp)),
          config.realm.browserFlow.otp,
        ),
    },
    {
      builtIn: 'reset credentials',
      alias: config.realm.resetCredentialsFlow.alias,
      binding: 'resetCredentialsFlow' as const,
      desired: (steps: Parameters<typeof desiredResetSteps>[0]) =>
        desiredResetSteps(steps, config.realm.resetCredentialsFlow, resetPolicy),
    },
  ];
  const changes: Change[] = [];
  for (const spec of specs) {
    const builtIn = await readFlow(kc, realm, spec.builtIn);
    if (!builtIn) throw new Error(`realm ${realm} has no built-in "${spec.builtIn}" flow`);
    const desired = spec.desired(builtIn.steps);
    const current = await readFlow(kc, realm, spec.alias);
    const differences = current ? stepDifferences(current.steps, desired) : ['(flow does not exist)'];
    if (differences.length > 0) {
      changes.push({
        area: 'flow',
        summary: `${current ? 'rebuild' : 'create'} flow "${spec.alias}" from "${spec.builtIn}" and bind it as ${spec.binding}`,
        details: differences,
        apply: () => buildFlow(kc, realm, { ...spec, desired }),
      });
    } else if (live[spec.binding] !== spec.alias) {
      changes.push({
        area: 'flow',
        summary: `bind flow "${spec.alias}" as ${spec.binding}`,
        details: [`${spec.binding}: ${show(live[spec.binding])} -> ${show(spec.alias)}`],
        apply: () => kc.realms.update({ realm }, { [spec.binding]: spec.alias }),
      });
    }
  }
  return changes;
};
