/**
 * The declarative user profile of a Keycloak 26 realm (`GET .../users/profile`). It decides which user
 * attributes survive a write: the managed ones below, and unmanaged ones only when
 * `unmanagedAttributePolicy` is ENABLED (or ADMIN_EDIT for admin writes).
 */
export const defaultUserProfile = (): Record<string, unknown> => ({
  attributes: [
    {
      name: 'username',
      displayName: '${username}',
      validations: {
        length: { min: 3, max: 255 },
        'username-prohibited-characters': {},
        'up-username-not-idn-homograph': {},
      },
      permissions: { view: ['admin', 'user'], edit: ['admin', 'user'] },
      multivalued: false,
    },
    {
      name: 'email',
      displayName: '${email}',
      validations: { email: {}, length: { max: 255 } },
      required: { roles: ['user'] },
      permissions: { view: ['admin', 'user'], edit: ['admin', 'user'] },
      multivalued: false,
    },
    {
      name: 'firstName',
      displayName: '${firstName}',
      validations: { length: { max: 255 }, 'person-name-prohibited-characters': {} },
      required: { roles: ['user'] },
      permissions: { view: ['admin', 'user'], edit: ['admin', 'user'] },
      multivalued: false,
    },
    {
      name: 'lastName',
      displayName: '${lastName}',
      validations: { length: { max: 255 }, 'person-name-prohibited-characters': {} },
      required: { roles: ['user'] },
      permissions: { view: ['admin', 'user'], edit: ['admin', 'user'] },
      multivalued: false,
    },
  ],
  groups: [
    {
      name: 'user-metadata',
      displayHeader: 'User metadata',
      displayDescription: 'Attributes, which refer to user metadata',
    },
  ],
});

export type UnmanagedAttributePolicy = 'ENABLED' | 'ADMIN_EDIT' | 'ADMIN_VIEW' | undefined;

export const unmanagedAttributePolicy = (profile: Record<string, unknown>): UnmanagedAttributePolicy =>
  profile.unmanagedAttributePolicy as UnmanagedAttributePolicy;

export const managedAttributeNames = (profile: Record<string, unknown>): Set<string> => {
  const attributes = (profile.attributes ?? []) as { name: string }[];
  return new Set(attributes.map((a) => a.name));
};
