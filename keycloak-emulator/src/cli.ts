/**
 * `npm run emulator`: serves the emulator like `kc.sh start-dev` would, on KC_HTTP_PORT (8080), with the
 * bootstrap admin from KC_BOOTSTRAP_ADMIN_USERNAME / KC_BOOTSTRAP_ADMIN_PASSWORD (admin/admin), importing
 * the realm export files given with --import (the demo realm by default).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { startEmulator } from './server.js';

const demoRealm = fileURLToPath(new URL('../realms/demo-realm.json', import.meta.url));

const program = new Command()
  .name('keycloak-emulator')
  .description('A Keycloak 26 emulator for tests and demos (in-memory: everything is lost on exit).')
  .option('-p, --port <port>', 'HTTP port (env KC_HTTP_PORT)', process.env.KC_HTTP_PORT ?? '8080')
  .option('--host <host>', 'address to listen on', process.env.KC_HTTP_HOST ?? '127.0.0.1')
  .option('-i, --import <file...>', 'realm export JSON files to import at start', [demoRealm])
  .option('--no-import', 'start with the master realm only')
  .option('--latency <ms>', 'per-request latency to inject, in ms', '0')
  .parse();

const options = program.opts<{ port: string; host: string; import: string[] | false; latency: string }>();
const files = options.import === false ? [] : options.import;

const emulator = await startEmulator({
  port: Number(options.port),
  host: options.host,
  adminUsername: process.env.KC_BOOTSTRAP_ADMIN_USERNAME ?? 'admin',
  adminPassword: process.env.KC_BOOTSTRAP_ADMIN_PASSWORD ?? 'admin',
  realms: files.map((file) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>),
  latencyMs: Number(options.latency),
});

const realms = [...emulator.state.realms.keys()].join(', ');
console.log(`Keycloak emulator listening on ${emulator.url} (realms: ${realms})`);
console.log(
  `Admin API: ${emulator.url}/admin/realms — master admin: ${process.env.KC_BOOTSTRAP_ADMIN_USERNAME ?? 'admin'}`,
);

const stop = () => {
  emulator.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
