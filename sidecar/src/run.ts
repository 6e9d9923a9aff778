/**
 * The sidecar as this process's service: load the settings, start, print where it listens, and stop
 * cleanly on SIGINT/SIGTERM (a second signal does not wait). Parts started alongside it (the embedded
 * demo) print their lines after the sidecar's and are closed after it.
 */
import { RealmConfigError } from '../../realm-files/src/index.js';
import { ConfigurationError, describeSettings, loadSettings } from './config/load.js';
import { type Sidecar, startSidecar } from './main.js';

export interface RunningAlongside {
  /** printed after the sidecar's own lines */
  lines: string[];
  close(): Promise<void>;
}

const stopOnSignals = (sidecar: Sidecar, alongside?: RunningAlongside) => {
  let stopping = false;
  const stop = async (signal: string) => {
    // A second signal does not wait any longer.
    if (stopping) process.exit(1);
    stopping = true;
    sidecar.logger.info({ signal }, 'shutting down: finishing requests and jobs in flight');
    await sidecar.close();
    await alongside?.close();
    sidecar.logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
};

export const runSidecar = async (env: NodeJS.ProcessEnv, alongside?: RunningAlongside): Promise<void> => {
  const settings = loadSettings(env);
  const sidecar = await startSidecar(settings);
  sidecar.logger.info({ settings: describeSettings(settings) }, 'sidecar started');
  console.log(`\nOTP sidecar:      ${sidecar.url}  (/healthz, /readyz, /api/v1/compliance)`);
  console.log(`  management:       ${sidecar.managementUrl}  (/metrics, /readyz with each check; not public)`);
  console.log(`  helpdesk page:    ${sidecar.url}/helpdesk   lost-phone page: ${sidecar.url}/recovery`);
  for (const line of alongside?.lines ?? []) console.log(line);
  stopOnSignals(sidecar, alongside);
};

/** A wrong setting or realm-config file exits 2 with one line naming it; anything else exits 1. */
export const exitOnStartFailure = (error: unknown): never => {
  const known = error instanceof ConfigurationError || error instanceof RealmConfigError;
  console.error(known ? `configuration error: ${error.message}` : `start failed: ${(error as Error).message}`);
  process.exit(known ? 2 : 1);
};
