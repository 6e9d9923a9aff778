/** The admin scripts as a library: what `npm start` and the tests use to bootstrap a realm (its files: realm-files/). */
export { type ConnectionOptions, connect, connectionFromEnv } from './connect.js';
export { exportRealmFile } from './export.js';
export { applyChanges, type Change, planRealm } from './realm-sync.js';
