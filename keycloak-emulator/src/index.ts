/** The Keycloak 26 emulator's public surface. */

export type { FaultRule } from './http/faults.js';
export { type Emulator, type EmulatorOptions, startEmulator } from './server.js';
export type { EmulatorState } from './state/store.js';
