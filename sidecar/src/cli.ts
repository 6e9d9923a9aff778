/**
 * `npm start`: with KEYCLOAK_URL set, runs the sidecar against that Keycloak from the environment (see
 * sidecar/src/config/schema.ts); without it, starts the embedded parts first (Keycloak emulator with
 * the demo realm, mail catcher with a web inbox, embedded database) and prints what to open.
 */
import { ConfigurationError, describeSettings, loadSettings } from './config/load.js';
import { PolicyError } from './config/policy-file.js';
import type { EmbeddedParts } from './embedded/index.js';
import { startSidecar } from './main.js';

const main = async () => {
  let embedded: EmbeddedParts | undefined;
  let env: NodeJS.ProcessEnv = process.env;
  if (!process.env.KEYCLOAK_URL) {
    // Loaded only when used: a sidecar against a real Keycloak carries no emulator or mail catcher.
    const { startEmbedded } = await import('./embedded/index.js');
    embedded = await startEmbedded({
      keycloakPort: Number(process.env.KC_HTTP_PORT ?? 8080),
      smtpPort: Number(process.env.MAIL_SMTP_PORT ?? 1025),
      inboxPort: Number(process.env.MAIL_INBOX_PORT ?? 8025),
    });
    env = { ...process.env, ...embedded.env };
  }
  const settings = loadSettings(env);
  const sidecar = await startSidecar(settings);
  sidecar.logger.info({ settings: describeSettings(settings) }, 'sidecar started');
  console.log(`\nOTP sidecar:      ${sidecar.url}  (/healthz, /readyz, /metrics, /api/v1/compliance)`);
  console.log(`  helpdesk page:    ${sidecar.url}/helpdesk   lost-phone page: ${sidecar.url}/recovery`);
  if (embedded) {
    console.log(`Keycloak (emulator): ${embedded.keycloakUrl}  admin console API: /admin/realms (admin/admin)`);
    console.log(
      `  demo sign-in:      ${embedded.keycloakUrl}/realms/demo/account  (alice/demo-alice, bob/demo-bob, ...)`,
    );
    console.log(`Mail inbox:        ${embedded.inboxUrl}  (SMTP on 127.0.0.1:${embedded.smtpPort})`);
  }
  let stopping = false;
  const stop = async (signal: string) => {
    // A second signal does not wait any longer.
    if (stopping) process.exit(1);
    stopping = true;
    sidecar.logger.info({ signal }, 'shutting down: finishing requests and jobs in flight');
    await sidecar.close();
    await embedded?.close();
    sidecar.logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
};

main().catch((error) => {
  const known = error instanceof ConfigurationError || error instanceof PolicyError;
  console.error(known ? `configuration error: ${error.message}` : `start failed: ${(error as Error).message}`);
  process.exit(known ? 2 : 1);
});
