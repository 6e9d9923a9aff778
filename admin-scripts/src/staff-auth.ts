/**
 * What staff sign-in needs besides the browser flow's levels (issue 19, "Staff authentication"): the realm's
 * `acr.loa.map`, and the helpdesk client's default scopes `acr` (the "acr loa level" mapper puts the reached
 * level's name in its tokens) and `basic` (`auth_time`, `sub`, and the AMR mapper).
 */
import type KcAdminClient from '@keycloak/keycloak-admin-client';
import type { RealmConfig } from '../../realm-files/src/index.js';
import type { Change } from './change.js';
import { ACR_LOA_MAP, acrLoaMapMatches } from './desired-levels.js';

const STAFF_SCOPES = ['acr', 'basic'];

export const planAcrLoaMap = async (kc: KcAdminClient, config: RealmConfig): Promise<Change[]> => {
  const realm = config.realm.realm;
  const live = await kc.realms.findOne({ realm });
  const attributes = (live?.attributes ?? {}) as Record<string, unknown>;
  if (acrLoaMapMatches(attributes['acr.loa.map'])) return [];
  const wanted = JSON.stringify(ACR_LOA_MAP);
  return [
    {
      area: 'realm',
      summary: 'map the ACR values to levels of authentication (pwd = 1, mfa = 2)',
      details: [`attributes.acr.loa.map: ${JSON.stringify(attributes['acr.loa.map'] ?? '(unset)')} -> ${wanted}`],
      apply: () => kc.realms.update({ realm }, { attributes: { ...attributes, 'acr.loa.map': wanted } }),
    },
  ];
};

export const planHelpdeskScopes = async (kc: KcAdminClient, config: RealmConfig): Promise<Change[]> => {
  const realm = config.realm.realm;
  const clientId = config.realm.helpdesk.client?.clientId;
  if (!clientId) return [];
  const client = (await kc.clients.find({ realm, clientId })).find((c) => c.clientId === clientId);
  // A client created in this same apply gets its scopes on the next plan, which apply runs to check.
  if (!client?.id) return [];
  const id = client.id;
  const live = (await kc.clients.listDefaultClientScopes({ realm, id })).map((s) => s.name);
  const missing = STAFF_SCOPES.filter((name) => !live.includes(name));
  if (missing.length === 0) return [];
  return [
    {
      area: 'client',
      summary: `give client ${clientId} the default scopes ${missing.join(', ')} (acr and auth_time in its tokens)`,
      details: missing.map((name) => `+ default scope ${name}`),
      apply: async () => {
        for (const name of missing) {
          const scope = await kc.clientScopes.findOneByName({ realm, name });
          if (!scope?.id) throw new Error(`realm ${realm} has no client scope ${name}`);
          await kc.clients.addDefaultClientScope({ realm, id, clientScopeId: scope.id });
        }
      },
    },
  ];
};
