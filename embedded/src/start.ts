/**
 * `npm start`: with KEYCLOAK_URL set, runs the sidecar against that Keycloak from the environment (see
 * sidecar/src/config/schema.ts); without it, starts the embedded parts first (Keycloak emulator with
 * the demo realm, mail catcher with maildev's web inbox, embedded database) and prints what to open.
 * `npm start` runs this with `exec`, so a signal sent to npm's process reaches this one and stops it all.
 */
import { exitOnStartFailure, runSidecar } from '../../sidecar/src/index.js';
import type { EmbeddedParts } from './index.js';

/** The admin scripts' environment, quoted for a POSIX shell; a secret of the caller's own is never printed. */
const adminCommand = (embedded: EmbeddedParts) =>
  Object.entries(embedded.adminEnv)
    .filter(([name]) => !(name === 'SIDECAR_CLIENT_SECRET' && process.env.SIDECAR_CLIENT_SECRET))
    .concat(process.env.PORT ? [['PORT', process.env.PORT]] : [])
    .concat(process.env.PUBLIC_URL ? [['PUBLIC_URL', process.env.PUBLIC_URL]] : [])
    .map(([name, value]) => `${name}='${value.replace(/'/g, `'\\''`)}'`)
    .join(' ');

const linesOf = (embedded: EmbeddedParts) => [
  `Keycloak (emulator): ${embedded.keycloakUrl}  admin console API: /admin/realms (admin/admin)`,
  `  demo sign-in:      ${embedded.keycloakUrl}/realms/demo/account  (account console: alice/demo-alice, dave/demo-dave, ...)`,
  `Mail inbox:        ${embedded.inboxUrl}  (maildev: every email sent; as JSON: ${embedded.inboxUrl}api/email; SMTP on 127.0.0.1:${embedded.smtpPort})`,
  process.env.SIDECAR_CLIENT_SECRET
    ? 'Sidecar client secret: from SIDECAR_CLIENT_SECRET'
    : `Sidecar client secret: ${embedded.adminEnv.SIDECAR_CLIENT_SECRET}  (demo only; set SIDECAR_CLIENT_SECRET to choose another)`,
  `Admin scripts against this demo:`,
  `  ${adminCommand(embedded)} npm run realm-policy -- plan realm-config/demo`,
];

const runWithEmbeddedParts = async () => {
  // Loaded only when used: a sidecar against a real Keycloak loads no emulator or mail catcher.
  const { startEmbedded } = await import('./index.js');
  const embedded = await startEmbedded({
    keycloakPort: Number(process.env.KC_HTTP_PORT ?? 8080),
    smtpPort: Number(process.env.MAIL_SMTP_PORT ?? 1025),
    inboxPort: Number(process.env.MAIL_INBOX_PORT ?? 8025),
    env: process.env,
  });
  await runSidecar({ ...process.env, ...embedded.env }, { lines: linesOf(embedded), close: () => embedded.close() });
};

(process.env.KEYCLOAK_URL ? runSidecar(process.env) : runWithEmbeddedParts()).catch(exitOnStartFailure);
