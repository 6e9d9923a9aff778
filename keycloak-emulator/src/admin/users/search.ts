/**
 * Keycloak's user search: `search` tokens (prefix by default, `*` wildcard, "quoted" exact, several
 * tokens AND-ed, over username, email, first and last name, case-insensitive); field filters
 * (`username`, `email`, `firstName`, `lastName` infix unless `exact=true`); `enabled`, `emailVerified`;
 * `q=key:value` filters on attributes or built-in fields (exact unless `exact=false`). Service accounts are listed only for field
 * filters. Results come in username order; paging never builds representations outside the page.
 */
import type { RealmModel, UserModel } from '../../state/model.js';
import { usersInOrder } from '../../state/store.js';

export interface UserQuery {
  search?: string;
  username?: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  exact?: boolean;
  enabled?: boolean;
  emailVerified?: boolean;
  q?: string;
}

const FIELDS = ['username', 'email', 'firstName', 'lastName'] as const;

const tokenMatcher = (token: string): ((value: string) => boolean) => {
  if (token.length >= 2 && token.startsWith('"') && token.endsWith('"')) {
    const exact = token.slice(1, -1).toLowerCase();
    return (value) => value === exact;
  }
  const pattern = token.toLowerCase().endsWith('*') ? token.toLowerCase() : `${token.toLowerCase()}*`;
  const regex = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    's',
  );
  return (value) => regex.test(value);
};

const parseQ = (q: string): [string, string][] =>
  q
    .split(/\s+/)
    .filter(Boolean)
    .map((pair) => {
      const index = pair.indexOf(':');
      return index < 0 ? [pair, ''] : [pair.slice(0, index), pair.slice(index + 1)];
    });

const isBuiltInField = (key: string): key is (typeof FIELDS)[number] => (FIELDS as readonly string[]).includes(key);

/** A `q` key names a built-in field (`email:x`) or an attribute; Keycloak searches both (contract §12). */
const queriedValues = (user: UserModel, key: string): string[] => {
  if (!isBuiltInField(key)) return user.attributes[key] ?? [];
  const value = user[key];
  return value ? [value] : [];
};

export const userFilter = (query: UserQuery): ((user: UserModel) => boolean) => {
  const tokens = (query.search ?? '').trim().split(/\s+/).filter(Boolean);
  const fieldFilters = FIELDS.filter((f) => query[f] !== undefined && query[f] !== '');
  const byFields = fieldFilters.length > 0 || query.q !== undefined;
  // Keycloak lists service accounts only when filtering by fields.
  const includeServiceAccounts = byFields && tokens.length === 0;
  const searchMatchers = tokens.filter((t) => t !== '*').map(tokenMatcher);
  const attributeFilters = query.q ? parseQ(query.q) : [];
  const exactAttributes = query.exact !== false;

  return (user) => {
    if (user.serviceAccountClientId && !includeServiceAccounts) return false;
    if (query.enabled !== undefined && user.enabled !== query.enabled) return false;
    if (query.emailVerified !== undefined && user.emailVerified !== query.emailVerified) return false;
    if (searchMatchers.length > 0) {
      const values = FIELDS.map((f) => (user[f] ?? '').toLowerCase()).filter(Boolean);
      if (!searchMatchers.every((match) => values.some(match))) return false;
    }
    for (const field of fieldFilters) {
      const wanted = String(query[field]).toLowerCase();
      const value = (user[field] ?? '').toLowerCase();
      if (query.exact === true ? value !== wanted : !value.includes(wanted)) return false;
    }
    for (const [key, wanted] of attributeFilters) {
      const values = queriedValues(user, key).map((v) => v.toLowerCase());
      const target = wanted.toLowerCase();
      if (!values.some((v) => (exactAttributes ? v === target : v.includes(target)))) return false;
    }
    return true;
  };
};

/** One page of matching users, in Keycloak's order. */
export const findUsers = (realm: RealmModel, query: UserQuery, first: number, max: number): UserModel[] => {
  const matches = userFilter(query);
  const page: UserModel[] = [];
  let skipped = 0;
  for (const user of usersInOrder(realm)) {
    if (!matches(user)) continue;
    if (skipped < first) {
      skipped += 1;
      continue;
    }
    if (page.length >= max) break;
    page.push(user);
  }
  return page;
};

export const countUsers = (realm: RealmModel, query: UserQuery): number => {
  const matches = userFilter(query);
  let count = 0;
  for (const user of realm.users.values()) if (matches(user)) count += 1;
  return count;
};
