/** One realm's folder of realm-config/: `realm.yaml`, `sidecar.yaml`, and the secrets they name. */
import { join } from 'node:path';
import { parseRealmFile, type RealmFile } from './realm-file.js';
import { loadSidecarFile, type SidecarFile } from './sidecar-file.js';
import { RealmConfigError, readYamlFile } from './yaml.js';

export interface RealmConfig {
  dir: string;
  realm: RealmFile;
  sidecar: SidecarFile;
  /** secrets read from the environment variables realm.yaml names */
  secrets: { smtpPassword?: string; sidecarClientSecret?: string };
}

/** Loads `realm.yaml` and `sidecar.yaml` of one realm's folder, and the secrets they name. */
export const loadRealmConfig = (dir: string, env: NodeJS.ProcessEnv = process.env): RealmConfig => {
  const realmFile = join(dir, 'realm.yaml');
  const realm = parseRealmFile(realmFile, readYamlFile(realmFile, env));
  const sidecar = loadSidecarFile(join(dir, 'sidecar.yaml'));
  const secret = (name: string | undefined, path: string) => {
    if (!name) return undefined;
    const value = env[name];
    if (!value) throw new RealmConfigError(`${realmFile}: ${path}: environment variable ${name} is not set`);
    return value;
  };
  return {
    dir,
    realm,
    sidecar,
    secrets: {
      ...(realm.smtp?.passwordEnv ? { smtpPassword: secret(realm.smtp.passwordEnv, 'smtp.passwordEnv') } : {}),
      ...(realm.sidecarClient.secretEnv
        ? { sidecarClientSecret: secret(realm.sidecarClient.secretEnv, 'sidecarClient.secretEnv') }
        : {}),
    },
  };
};
