/**
 * Plan and apply a realm's realm.yaml through the admin API. `planRealm` reads the live realm and returns
 * the changes (each a readable summary with details and the calls that make it); `applyChanges` runs
 * them in order. Nothing the file does not declare is read for change or touched.
 */
import type KcAdminClient from '@keycloak/keycloak-admin-client';
import type ClientRepresentation from '@keycloak/keycloak-admin-client/lib/defs/clientRepresentation.js';
import type RealmRepresentation from '@keycloak/keycloak-admin-client/lib/defs/realmRepresentation.js';
import type { RealmConfig } from '../../realm-files/src/index.js';
import { recoverySignInClientOf } from '../../realm-files/src/index.js';
import { type Change, detailLines, show } from './change.js';
import { desiredEventsConfig, desiredRealmFields, desiredSmtp, fieldDifferences } from './desired.js';
import { requiredActionsOf } from './flows.js';
import { planLocalization } from './localization.js';
import { clientByClientId } from './lookups.js';
import { planFlows } from './plan-flows.js';
import { planAcrLoaMap, planHelpdeskScopes } from './staff-auth.js';
import { planUserProfile } from './user-profile.js';

export type { Change } from './change.js';

const MANAGEMENT_CLIENT = 'realm-management';

/** The live realm, or undefined when it does not exist. */
const findRealm = async (kc: KcAdminClient, realm: string): Promise<RealmRepresentation | undefined> => {
  try {
    return (await kc.realms.findOne({ realm })) ?? undefined;
  } catch (error) {
    if ((error as { response?: { status?: number } }).response?.status === 404) return undefined;
    throw error;
  }
};

export const planRealm = async (kc: KcAdminClient, config: RealmConfig): Promise<Change[]> => {
  const declared = config.realm;
  const realm = declared.realm;
  const live = await findRealm(kc, realm);
  if (!live) {
    return [
      {
        area: 'realm',
        summary: `create realm ${realm}, then apply the whole policy`,
        details: [],
        apply: async () => {
          await kc.realms.create({ realm, enabled: true });
          await applyChanges(await planRealm(kc, config));
        },
      },
    ];
  }
  const changes: Change[] = [];

  const fields = desiredRealmFields(declared);
  const fieldDiffs = fieldDifferences('', live as Record<string, unknown>, fields);
  if (fieldDiffs.length > 0)
    changes.push({
      area: 'realm',
      summary: `update ${fieldDiffs.length} realm setting(s)`,
      details: detailLines(fieldDiffs),
      apply: () => kc.realms.update({ realm }, fields),
    });

  changes.push(...planLocalization(kc, declared, live));

  const smtp = desiredSmtp(declared);
  if (smtp) {
    const liveSmtp = { ...((live.smtpServer ?? {}) as Record<string, string>) };
    delete liveSmtp.password;
    const diffs = fieldDifferences('smtp.', liveSmtp, smtp);
    const passwordMissing =
      Boolean(config.secrets.smtpPassword) && !(live.smtpServer as Record<string, string>)?.password;
    if (diffs.length > 0 || passwordMissing)
      changes.push({
        area: 'smtp',
        summary: 'update the SMTP settings',
        details: [
          ...detailLines(diffs),
          ...(passwordMissing ? ['smtp.password: (unset) -> (from the environment)'] : []),
        ],
        apply: () =>
          kc.realms.update(
            { realm },
            {
              smtpServer: {
                ...smtp,
                ...(config.secrets.smtpPassword ? { password: config.secrets.smtpPassword } : {}),
              },
            },
          ),
      });
  }

  const events = desiredEventsConfig(declared);
  const liveEvents = await kc.realms.getConfigEvents({ realm });
  const eventDiffs = fieldDifferences(
    'events.',
    { ...liveEvents, enabledEventTypes: [...(liveEvents.enabledEventTypes ?? [])].sort() },
    events,
  );
  if (eventDiffs.length > 0)
    changes.push({
      area: 'events',
      summary: 'update the event settings',
      details: detailLines(eventDiffs),
      apply: () =>
        kc.realms.updateConfigEvents(
          { realm },
          { ...events, eventsListeners: liveEvents.eventsListeners ?? ['jboss-logging'] },
        ),
    });

  changes.push(...(await planUserProfile(kc, config)));
  changes.push(...(await planRequiredActions(kc, config)));
  changes.push(...(await planFlows(kc, config, live)));
  changes.push(...(await planSidecarClient(kc, config)));
  changes.push(...(await planHelpdesk(kc, config)));
  changes.push(...(await planRecoveryClients(kc, config)));
  changes.push(...(await planAcrLoaMap(kc, config)));
  changes.push(...(await planHelpdeskScopes(kc, config)));
  return changes;
};

const planRequiredActions = async (kc: KcAdminClient, config: RealmConfig): Promise<Change[]> => {
  const realm = config.realm.realm;
  const live = await requiredActionsOf(kc, realm);
  const changes: Change[] = [];
  for (const [alias, wanted] of Object.entries(config.realm.requiredActions)) {
    const current = live.find((a) => a.alias === alias);
    if (!current) throw new Error(`required action ${alias} is not registered in realm ${realm}`);
    const desired = {
      enabled: wanted.enabled,
      ...(wanted.defaultAction !== undefined ? { defaultAction: wanted.defaultAction } : {}),
    };
    const diffs = fieldDifferences(`requiredActions.${alias}.`, current as Record<string, unknown>, desired);
    if (diffs.length > 0)
      changes.push({
        area: 'required-action',
        summary: `update required action ${alias}`,
        details: detailLines(diffs),
        apply: () => kc.authenticationManagement.updateRequiredAction({ alias, realm }, { ...current, ...desired }),
      });
  }
  return changes;
};

const SIDECAR_CLIENT_FIELDS = {
  enabled: true,
  publicClient: false,
  serviceAccountsEnabled: true,
  standardFlowEnabled: false,
  implicitFlowEnabled: false,
  directAccessGrantsEnabled: false,
  bearerOnly: false,
};

const planSidecarClient = async (kc: KcAdminClient, config: RealmConfig): Promise<Change[]> => {
  const realm = config.realm.realm;
  const { clientId, roles } = config.realm.sidecarClient;
  const secret = config.secrets.sidecarClientSecret;
  const client = await clientByClientId(kc, realm, clientId);
  const changes: Change[] = [];
  const description = 'OTP sidecar: enforces the 2FA policy and serves the helpdesk (service account)';
  if (!client) {
    changes.push({
      area: 'client',
      summary: `create service-account client ${clientId} with roles ${roles.join(', ')}`,
      details: [],
      apply: async () => {
        await kc.clients.create({
          realm,
          clientId,
          description,
          ...SIDECAR_CLIENT_FIELDS,
          ...(secret ? { secret } : {}),
        });
        await applyChanges(await planSidecarClient(kc, config));
      },
    });
    return changes;
  }
  const diffs = fieldDifferences(`clients.${clientId}.`, client as Record<string, unknown>, SIDECAR_CLIENT_FIELDS);
  if (diffs.length > 0)
    changes.push({
      area: 'client',
      summary: `update client ${clientId}`,
      details: detailLines(diffs),
      apply: () => kc.clients.update({ realm, id: client.id as string }, { ...client, ...SIDECAR_CLIENT_FIELDS }),
    });
  if (secret) {
    const current = await kc.clients.getClientSecret({ realm, id: client.id as string });
    if (current.value !== secret)
      changes.push({
        area: 'client',
        summary: `set the secret of client ${clientId} from ${config.realm.sidecarClient.secretEnv}`,
        details: [],
        apply: () =>
          kc.clients.update({ realm, id: client.id as string }, { ...client, secret } as ClientRepresentation),
      });
  }
  if (!client.serviceAccountsEnabled) return changes; // roles follow once the service account exists
  const serviceAccount = await kc.clients.getServiceAccountUser({ realm, id: client.id as string });
  const management = await clientByClientId(kc, realm, MANAGEMENT_CLIENT);
  if (!management?.id || !serviceAccount.id) throw new Error(`realm ${realm} has no ${MANAGEMENT_CLIENT} client`);
  const available = await kc.clients.listRoles({ realm, id: management.id });
  const unknown = roles.filter((r) => !available.some((a) => a.name === r));
  if (unknown.length > 0)
    throw new Error(`sidecarClient.roles: ${unknown.join(', ')} are not roles of ${MANAGEMENT_CLIENT}`);
  const assigned = await kc.users.listClientRoleMappings({
    realm,
    id: serviceAccount.id,
    clientUniqueId: management.id,
  });
  const missing = available.filter((r) => roles.includes(r.name as string) && !assigned.some((a) => a.id === r.id));
  const extra = assigned.filter((a) => !roles.includes(a.name as string));
  const userId = serviceAccount.id;
  const managementId = management.id;
  if (missing.length > 0 || extra.length > 0)
    changes.push({
      area: 'client',
      summary: `give ${clientId}'s service account exactly ${roles.join(', ')}`,
      details: [
        ...missing.map((r) => `+ ${MANAGEMENT_CLIENT}/${r.name}`),
        ...extra.map((r) => `- ${MANAGEMENT_CLIENT}/${r.name}`),
      ],
      apply: async () => {
        const asMappings = (list: typeof available) =>
          list.map((r) => ({ id: r.id as string, name: r.name as string }));
        if (missing.length > 0)
          await kc.users.addClientRoleMappings({
            realm,
            id: userId,
            clientUniqueId: managementId,
            roles: asMappings(missing),
          });
        if (extra.length > 0)
          await kc.users.delClientRoleMappings({
            realm,
            id: userId,
            clientUniqueId: managementId,
            roles: asMappings(extra),
          });
      },
    });
  return changes;
};

const planHelpdesk = async (kc: KcAdminClient, config: RealmConfig): Promise<Change[]> => {
  const realm = config.realm.realm;
  const changes: Change[] = [];
  for (const role of config.realm.helpdesk.roles) {
    const live = await kc.roles.findOneByName({ realm, name: role.name });
    if (!live)
      changes.push({
        area: 'role',
        summary: `create realm role ${role.name}`,
        details: [],
        apply: async () => {
          await kc.roles.create({ realm, name: role.name, description: role.description });
        },
      });
    else if ((live.description ?? '') !== role.description)
      changes.push({
        area: 'role',
        summary: `update the description of realm role ${role.name}`,
        details: [`description: ${show(live.description)} -> ${show(role.description)}`],
        apply: () => kc.roles.updateByName({ realm, name: role.name }, { ...live, description: role.description }),
      });
  }
  const wanted = config.realm.helpdesk.client;
  if (wanted) changes.push(...(await planPublicClient(kc, realm, wanted, "the helpdesk page's client")));
  return changes;
};

/**
 * The recovery links' client with no flow (Keycloak refuses its authorization requests, so no browser login
 * and no `kc_action` runs through it: only the emailed action token does) and the client of the sign-in that
 * proves the new device at `/recovery/complete`, whose events never count.
 */
const planRecoveryClients = async (kc: KcAdminClient, config: RealmConfig): Promise<Change[]> => {
  const { realm, recoveryClient } = config.realm;
  const signIn = { ...recoveryClient, clientId: recoverySignInClientOf(recoveryClient.clientId) };
  return [
    ...(await planPublicClient(kc, realm, recoveryClient, 'the recovery links’ client', { standardFlow: false })),
    ...(await planPublicClient(kc, realm, signIn, 'the recovery sign-in’s client')),
  ];
};

/**
 * A public client of the sidecar's pages (helpdesk sign-in, the recovery link and its proving sign-in):
 * code flow with PKCE (S256) only, no other grant — or, with `standardFlow: false`, no flow at all (a client
 * only action-token links are issued for); created when missing, brought back when it drifted.
 */
const planPublicClient = async (
  kc: KcAdminClient,
  realm: string,
  wanted: { clientId: string; redirectUris: string[]; webOrigins: string[] },
  purpose: string,
  { standardFlow = true }: { standardFlow?: boolean } = {},
): Promise<Change[]> => {
  const fields = {
    enabled: true,
    publicClient: true,
    standardFlowEnabled: standardFlow,
    implicitFlowEnabled: false,
    directAccessGrantsEnabled: false,
    serviceAccountsEnabled: false,
    redirectUris: wanted.redirectUris,
    webOrigins: wanted.webOrigins,
  };
  const pkce = { 'pkce.code.challenge.method': 'S256' };
  const client = await clientByClientId(kc, realm, wanted.clientId);
  if (!client)
    return [
      {
        area: 'client',
        summary: `create ${purpose} ${wanted.clientId} (public, ${standardFlow ? 'code flow with PKCE' : 'no flow: links only'})`,
        details: [],
        apply: async () => {
          await kc.clients.create({ realm, clientId: wanted.clientId, ...fields, attributes: pkce });
        },
      },
    ];
  const diffs = [
    ...fieldDifferences(`clients.${wanted.clientId}.`, client as Record<string, unknown>, fields),
    ...fieldDifferences(`clients.${wanted.clientId}.attributes.`, client.attributes, pkce),
  ];
  if (diffs.length === 0) return [];
  return [
    {
      area: 'client',
      summary: `update client ${wanted.clientId}`,
      details: detailLines(diffs),
      apply: () =>
        kc.clients.update(
          { realm, id: client.id as string },
          { ...client, ...fields, attributes: { ...client.attributes, ...pkce } },
        ),
    },
  ];
};

/** Applies changes in order; stops at the first failure with the change it was making. */
export const applyChanges = async (changes: Change[]): Promise<void> => {
  for (const change of changes) {
    try {
      await change.apply();
    } catch (error) {
      const status = (error as { response?: { status?: number } }).response?.status;
      throw new Error(`${change.summary}: ${status ? `HTTP ${status}: ` : ''}${(error as Error).message}`);
    }
  }
};
