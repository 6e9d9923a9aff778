/** An admin client for the scripts: a master admin user, or a service-account client, from env/flags. */
import KcAdminClient from '@keycloak/keycloak-admin-client';

export interface ConnectionOptions {
  url: string;
  /** the realm the credentials belong to (default master) */
  authRealm: string;
  username?: string;
  password?: string;
  clientId?: string;
  clientSecret?: string;
}

export const connectionFromEnv = (env: NodeJS.ProcessEnv = process.env): Partial<ConnectionOptions> => ({
  ...(env.KEYCLOAK_URL ? { url: env.KEYCLOAK_URL } : {}),
  ...(env.KEYCLOAK_AUTH_REALM ? { authRealm: env.KEYCLOAK_AUTH_REALM } : {}),
  ...(env.KEYCLOAK_ADMIN ? { username: env.KEYCLOAK_ADMIN } : {}),
  ...(env.KEYCLOAK_ADMIN_PASSWORD ? { password: env.KEYCLOAK_ADMIN_PASSWORD } : {}),
  ...(env.KEYCLOAK_CLIENT_ID ? { clientId: env.KEYCLOAK_CLIENT_ID } : {}),
  ...(env.KEYCLOAK_CLIENT_SECRET ? { clientSecret: env.KEYCLOAK_CLIENT_SECRET } : {}),
});

export const connect = async (options: ConnectionOptions): Promise<KcAdminClient> => {
  const kc = new KcAdminClient({ baseUrl: options.url.replace(/\/+$/, ''), realmName: options.authRealm });
  if (options.clientId && options.clientSecret) {
    await kc.auth({ grantType: 'client_credentials', clientId: options.clientId, clientSecret: options.clientSecret });
  } else if (options.username && options.password) {
    await kc.auth({
      grantType: 'password',
      clientId: 'admin-cli',
      username: options.username,
      password: options.password,
    });
  } else {
    throw new Error(
      'no credentials: set KEYCLOAK_ADMIN and KEYCLOAK_ADMIN_PASSWORD, or KEYCLOAK_CLIENT_ID and KEYCLOAK_CLIENT_SECRET',
    );
  }
  return kc;
};
