/**
 * `npm start`: with KEYCLOAK_URL set, runs the sidecar against that Keycloak from the environment (see
 * sidecar/src/config/schema.ts); without it, starts the embedded parts first (Keycloak emulator with
 * the demo realm, mail catcher with a web inbox, embedded database) and prints what to open.
 */
import { exitOnStartFailure, runSidecar } from '../../sidecar/src/index.js';
import type { EmbeddedParts } from './index.js';

const linesOf = (embedded: EmbeddedParts) => [
  `Keycloak (emulator): ${embedded.keycloakUrl}  admin console API: /admin/realms (admin/admin)`,
  `  demo sign-in:      ${embedded.keycloakUrl}/realms/demo/account  (alice/demo-alice, bob/demo-bob, ...)`,
  `Mail inbox:        ${embedded.inboxUrl}  (SMTP on 127.0.0.1:${embedded.smtpPort})`,
];

const runWithEmbeddedParts = async () => {
  // Loaded only when used: a sidecar against a real Keycloak loads no emulator or mail catcher.
  const { startEmbedded } = await import('./index.js');
  const embedded = await startEmbedded({
    keycloakPort: Number(process.env.KC_HTTP_PORT ?? 8080),
    smtpPort: Number(process.env.MAIL_SMTP_PORT ?? 1025),
    inboxPort: Number(process.env.MAIL_INBOX_PORT ?? 8025),
  });
  await runSidecar({ ...process.env, ...embedded.env }, { lines: linesOf(embedded), close: () => embedded.close() });
};

(process.env.KEYCLOAK_URL ? runSidecar(process.env) : runWithEmbeddedParts()).catch(exitOnStartFailure);
