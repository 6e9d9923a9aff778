/**
 * The realm-config file format, the one home of it: the sidecar reads sidecar.yaml through it, the admin
 * scripts read both files. It imports neither, so neither imports the other.
 */

export {
  OTP_APPS,
  type OtpApp,
  parseRealmFile,
  REALM_FILE,
  RESET_OTP_MODES,
  type RealmFile,
  type ResetOtpMode,
  recoverySignInClientOf,
  SIDECAR_ROLES_DEFAULT,
} from './realm-file.js';
export { loadRealmConfig, type RealmConfig } from './realm-folder.js';
export {
  DEFAULT_PROTECTED_ROLES,
  loadSidecarFile,
  parseSidecarFile,
  RECOVERY_LEVELS,
  type RecoveryLevel,
  type RecoveryRules,
  recoveryActionsOf,
  recoveryLinkOffered,
  retireAfterHoursOf,
  SIDECAR_FILE,
  type SidecarFile,
} from './sidecar-file.js';
export { interpolate, RealmConfigError, readYamlFile } from './yaml.js';
