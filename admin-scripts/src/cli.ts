/**
 * realm-policy: bootstrap a realm's 2FA set-up from realm-config/<realm>/ — plan, apply, verify, export.
 * Exit codes: 0 ok (verify: no drift), 1 drift (verify) or a failed change, 2 bad input or connection.
 */
import { writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { loadRealmConfig, type RealmConfig, RealmConfigError } from '../../realm-files/src/index.js';
import { connect, connectionFromEnv } from './connect.js';
import { exportRealmFile } from './export.js';
import { applyChanges, type Change, planRealm } from './realm-sync.js';

const program = new Command('realm-policy')
  .description(
    "Bootstrap and check a Keycloak realm's 2FA policy from realm-config/<realm>/ (realm.yaml, sidecar.yaml).",
  )
  .addOption(new Option('--url <url>', 'Keycloak base URL').env('KEYCLOAK_URL'))
  .addOption(
    new Option('--auth-realm <realm>', 'realm of the credentials').env('KEYCLOAK_AUTH_REALM').default('master'),
  )
  .addOption(
    new Option('--username <name>', 'admin user (password from KEYCLOAK_ADMIN_PASSWORD)').env('KEYCLOAK_ADMIN'),
  )
  .addOption(
    new Option('--client-id <id>', 'service-account client (secret from KEYCLOAK_CLIENT_SECRET)').env(
      'KEYCLOAK_CLIENT_ID',
    ),
  )
  .showHelpAfterError();

const connection = async () => {
  const flags = program.opts<{ url?: string; authRealm: string; username?: string; clientId?: string }>();
  const env = connectionFromEnv();
  const url = flags.url ?? env.url;
  if (!url) throw new RealmConfigError('no Keycloak URL: pass --url or set KEYCLOAK_URL');
  return connect({
    ...env,
    url,
    authRealm: flags.authRealm,
    ...(flags.username ? { username: flags.username } : {}),
    ...(flags.clientId ? { clientId: flags.clientId } : {}),
  });
};

const printChanges = (config: RealmConfig, changes: Change[]) => {
  const where = `realm ${config.realm.realm} (${config.dir})`;
  if (changes.length === 0) {
    console.log(`No changes: ${where} matches its policy.`);
    return;
  }
  console.log(`${changes.length} change(s) for ${where}:`);
  for (const change of changes) {
    console.log(`  ~ [${change.area}] ${change.summary}`);
    for (const line of change.details) console.log(`      ${line}`);
  }
};

const run =
  <A extends unknown[]>(action: (...args: A) => Promise<number>) =>
  async (...args: A) => {
    try {
      process.exitCode = await action(...args);
    } catch (error) {
      const bad = error instanceof RealmConfigError;
      console.error(`${bad ? '' : 'error: '}${(error as Error).message}`);
      process.exitCode = bad ? 2 : 1;
    }
  };

program
  .command('plan')
  .description('show the changes apply would make; change nothing')
  .argument('<dir>', 'the realm folder, e.g. realm-config/demo')
  .action(
    run(async (dir: string) => {
      const config = loadRealmConfig(dir);
      printChanges(config, await planRealm(await connection(), config));
      return 0;
    }),
  );

program
  .command('apply')
  .description('make the realm match its policy (safe to re-run: a second apply changes nothing)')
  .argument('<dir>', 'the realm folder, e.g. realm-config/demo')
  .action(
    run(async (dir: string) => {
      const config = loadRealmConfig(dir);
      const kc = await connection();
      const changes = await planRealm(kc, config);
      printChanges(config, changes);
      if (changes.length === 0) return 0;
      await applyChanges(changes);
      const left = await planRealm(kc, config);
      if (left.length > 0) {
        console.error(`error: ${left.length} change(s) still differ after apply:`);
        printChanges(config, left);
        return 1;
      }
      console.log(`Applied ${changes.length} change(s).`);
      return 0;
    }),
  );

program
  .command('verify')
  .description('exit 1 and list the drift when the live realm differs from its policy')
  .argument('<dir>', 'the realm folder, e.g. realm-config/demo')
  .action(
    run(async (dir: string) => {
      const config = loadRealmConfig(dir);
      const changes = await planRealm(await connection(), config);
      if (changes.length === 0) {
        console.log(`OK: realm ${config.realm.realm} matches ${config.dir}.`);
        return 0;
      }
      console.log('Drift found:');
      printChanges(config, changes);
      return 1;
    }),
  );

program
  .command('export')
  .description("write the live realm's policy in the realm.yaml format")
  .argument('<realm>', 'realm name')
  .option('-o, --output <file>', 'write to this file instead of stdout')
  .option('--sidecar-client <clientId>', "the sidecar's client", 'otp-sidecar')
  .action(
    run(async (realm: string, options: { output?: string; sidecarClient: string }) => {
      const yaml = await exportRealmFile(await connection(), realm, options.sidecarClient);
      if (options.output) writeFileSync(options.output, yaml);
      else process.stdout.write(yaml);
      return 0;
    }),
  );

await program.parseAsync();
