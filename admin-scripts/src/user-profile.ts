/**
 * The user-profile attribute issue 19's link-only enrolment needs. Keycloak 26's declarative user profile
 * drops attributes it does not know (unmanaged attributes are off by default), so the sidecar could not
 * set `otp-enrolment` through the admin API and the browser flow's "Condition - user attribute" would never
 * see it. Declared admin-only: the user can neither see nor remove the mark on the account console.
 */
import type KcAdminClient from '@keycloak/keycloak-admin-client';
import type { RealmConfig } from '../../realm-files/src/index.js';
import type { Change } from './change.js';
import { LINK_ONLY_ATTRIBUTE } from './desired-recovery.js';

const ADMIN_ONLY = { view: ['admin'], edit: ['admin'] };

export const LINK_ONLY_PROFILE_ATTRIBUTE = {
  name: LINK_ONLY_ATTRIBUTE,
  displayName: 'OTP enrolment (set by the helpdesk)',
  validations: { length: { max: 32 } },
  permissions: ADMIN_ONLY,
  multivalued: false,
};

interface ProfileAttribute {
  name?: string;
  permissions?: { view?: string[]; edit?: string[] };
}

const sameList = (a: string[] | undefined, b: string[]) => JSON.stringify([...(a ?? [])].sort()) === JSON.stringify(b);

export const planUserProfile = async (kc: KcAdminClient, config: RealmConfig): Promise<Change[]> => {
  const realm = config.realm.realm;
  const profile = await kc.users.getProfile({ realm });
  const attributes = (profile.attributes ?? []) as ProfileAttribute[];
  const current = attributes.find((a) => a.name === LINK_ONLY_ATTRIBUTE);
  const adminOnly =
    current &&
    sameList(current.permissions?.view, ADMIN_ONLY.view) &&
    sameList(current.permissions?.edit, ADMIN_ONLY.edit);
  if (adminOnly) return [];
  return [
    {
      area: 'user-profile',
      summary: `${current ? 'make' : 'declare'} the user attribute ${LINK_ONLY_ATTRIBUTE} (admin-only)`,
      details: [
        `attributes.${LINK_ONLY_ATTRIBUTE}: ${current ? JSON.stringify(current.permissions) : '(unset)'} -> admin-only`,
      ],
      apply: async () => {
        const live = await kc.users.getProfile({ realm });
        const others = ((live.attributes ?? []) as ProfileAttribute[]).filter((a) => a.name !== LINK_ONLY_ATTRIBUTE);
        await kc.users.updateProfile({
          realm,
          ...live,
          attributes: [...others, { ...(current ?? {}), ...LINK_ONLY_PROFILE_ATTRIBUTE }] as never,
        });
      },
    },
  ];
};
