/**
 * The sidecar's reading of `realm-config/<realm>/sidecar.yaml` (its format lives in realm-files/): the
 * enforcement policy the decisions use, from the file's `enforcement` section.
 */
import type { SidecarFile } from '../../../realm-files/src/index.js';
import type { EnforcementPolicy } from '../enforcement/policy.js';

export { loadSidecarFile, type SidecarFile } from '../../../realm-files/src/index.js';

/** The enforcement policy the decisions use. */
export const enforcementPolicyOf = (file: SidecarFile): EnforcementPolicy => {
  const { scope, exempt, deadline, newUserGraceDays, reminders } = file.enforcement;
  return {
    scope: scope === 'all' ? 'all' : { groups: scope.groups },
    exempt,
    ...(deadline ? { deadline: new Date(deadline) } : {}),
    newUserGraceDays,
    reminders,
  };
};
