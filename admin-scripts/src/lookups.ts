/** Small admin-API lookups the plans share. */
import type KcAdminClient from '@keycloak/keycloak-admin-client';

export const clientByClientId = async (kc: KcAdminClient, realm: string, clientId: string) =>
  (await kc.clients.find({ realm, clientId })).find((c) => c.clientId === clientId);
