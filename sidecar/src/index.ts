/** The sidecar's public surface for the other wings: run it as this process's service. */
export { exitOnStartFailure, type RunningAlongside, runSidecar } from './run.js';
