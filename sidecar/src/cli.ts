/**
 * The production entry (what the container image runs): the sidecar against the Keycloak its settings
 * name (see sidecar/src/config/schema.ts). `npm start` runs embedded/src/start.ts, which adds the demo parts.
 */
import { exitOnStartFailure, runSidecar } from './run.js';

runSidecar(process.env).catch(exitOnStartFailure);
