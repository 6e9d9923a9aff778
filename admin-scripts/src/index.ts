/** The admin scripts as a library: what `npm start` and the tests use to bootstrap a realm. */
export { type ConnectionOptions, connect, connectionFromEnv } from './connect.js';
export { exportRealmPolicy } from './export.js';
export { loadRealmConfig, PolicyError, type RealmConfig, type RealmPolicy } from './policy.js';
export { applyChanges, type Change, planRealm } from './realm-sync.js';
