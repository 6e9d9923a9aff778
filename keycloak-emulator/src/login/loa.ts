/**
 * Step-up authentication as Keycloak 26 runs it (AcrStore, ConditionalLoaAuthenticator, AcrUtils, the
 * "acr loa level" mapper):
 * - the ACR ↔ level map is the realm attribute `acr.loa.map` (JSON), overridden by the client's attribute;
 * - the authorization request asks a level through `claims` (`id_token.acr`, essential or not) or
 *   `acr_values` (else the client's `default.acr.values`); the lowest level of the named values counts,
 *   a number stands for itself; an essential request that the login does not reach fails it;
 * - "Condition - Level of Authentication" is true while no level is reached yet in this login, else when the
 *   requested level reaches its own and that level was not reached earlier in the SSO session within
 *   `loa-max-age` (never after `prompt=login`/`max_age`); when its subflow succeeds the level is reached;
 * - tokens carry the level's name (`acr`), or "1" / "0" (SSO reused) when no level was reached.
 */
import { authTimeOf } from '../oidc/user-sessions.js';
import type { ClientModel, RealmModel, SessionModel } from '../state/model.js';
import type { LoginContext, Outcome } from './context.js';
import type { AuthenticatorRegistry } from './flow-engine.js';

export const NO_LOA = -1;
const DEFAULT_MAX_AGE = 36_000;
const SUCCESS: Outcome = { kind: 'success' };

const parseMap = (raw: unknown): Record<string, number> | undefined => {
  if (typeof raw !== 'string' || !raw.trim()) return undefined;
  try {
    const parsed = JSON.parse(raw) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(parsed).map(([acr, level]) => [acr, Number(level)]));
  } catch {
    return undefined;
  }
};

/** The client's `acr.loa.map`, else the realm's. */
export const acrLoaMap = (realm: RealmModel, client?: ClientModel): Record<string, number> => {
  const realmAttributes = (realm.settings.attributes ?? {}) as Record<string, unknown>;
  return parseMap(client?.attributes['acr.loa.map']) ?? parseMap(realmAttributes['acr.loa.map']) ?? {};
};

const levelOf = (acr: string, map: Record<string, number>): number | undefined => {
  if (acr in map) return map[acr];
  return /^\d+$/.test(acr) ? Number(acr) : undefined;
};

/** The acr values a request asks for and whether they are essential (the `claims` parameter first). */
const requestedAcrs = (q: Record<string, string>, client: ClientModel): { values: string[]; essential: boolean } => {
  if (q.claims) {
    try {
      const acr = (JSON.parse(q.claims) as { id_token?: { acr?: { essential?: boolean; values?: string[] } } }).id_token
        ?.acr;
      if (acr?.values?.length) return { values: acr.values.map(String), essential: acr.essential === true };
    } catch {
      // an unreadable claims parameter asks for nothing
    }
  }
  if (q.acr_values) return { values: q.acr_values.split(' ').filter(Boolean), essential: false };
  const defaults = client.attributes['default.acr.values'];
  return { values: defaults ? defaults.split('##').filter(Boolean) : [], essential: false };
};

/** Notes a new login keeps from its authorization request: the requested level, `max_age`, `prompt=login`. */
export const loaNotesOf = (
  realm: RealmModel,
  client: ClientModel,
  q: Record<string, string>,
): Record<string, string> => {
  const notes: Record<string, string> = {};
  const { values, essential } = requestedAcrs(q, client);
  const map = acrLoaMap(realm, client);
  const levels = values.map((acr) => levelOf(acr, map)).filter((l): l is number => l !== undefined);
  if (levels.length > 0) {
    notes.requestedLoa = String(Math.min(...levels));
    if (essential) notes.forceLoa = 'true';
  }
  if (q.max_age !== undefined && /^\d+$/.test(q.max_age)) notes.maxAge = q.max_age;
  if (q.prompt?.split(' ').includes('login')) notes.forcedReauth = 'true';
  return notes;
};

const numberNote = (ctx: LoginContext, name: string) => {
  const value = ctx.authSession.notes[name];
  return value === undefined ? NO_LOA : Number(value);
};

/** Whether the client asked for a fresh sign-in: `prompt=login`, or `max_age` older than the SSO session's. */
export const reauthenticationRequired = (ctx: LoginContext, session: SessionModel): boolean => {
  const { forcedReauth, maxAge } = ctx.authSession.notes;
  if (forcedReauth === 'true') return true;
  return maxAge !== undefined && authTimeOf(session) + Number(maxAge) * 1000 < Date.now();
};

/** The highest level the SSO session reached (0 when it reached none, as a cookie sign-in counts 0). */
export const previousLevel = (session: SessionModel): number => {
  const levels = Object.keys(session.loaMap ?? {}).map(Number);
  return levels.length === 0 ? NO_LOA : Math.max(0, ...levels);
};

export const requestedLevel = (ctx: LoginContext) => numberNote(ctx, 'requestedLoa');

const configuredLevel = (ctx: LoginContext) => {
  const raw = ctx.config['loa-condition-level'];
  return raw === undefined || raw === '' ? 0 : Number(raw);
};

const configuredMaxAge = (ctx: LoginContext) => {
  const raw = ctx.config['loa-max-age'];
  return raw === undefined || raw === '' ? DEFAULT_MAX_AGE : Number(raw);
};

const levelsReached = (ctx: LoginContext): Record<string, number> =>
  JSON.parse(ctx.authSession.notes.loaMap ?? '{}') as Record<string, number>;

const reachedEarlier = (ctx: LoginContext, level: number, maxAge: number) => {
  if (ctx.authSession.notes.forcedReauth === 'true') return false;
  const at = levelsReached(ctx)[String(level)];
  return at !== undefined && at + maxAge >= Math.floor(Date.now() / 1000);
};

export const loaAuthenticators: AuthenticatorRegistry = {
  'conditional-level-of-authentication': {
    matches(ctx) {
      const current = numberNote(ctx, 'loa');
      const level = configuredLevel(ctx);
      if (current < 0) return true;
      if (requestedLevel(ctx) < level) return false;
      const earlier = reachedEarlier(ctx, level, configuredMaxAge(ctx));
      if (earlier && current < level) ctx.authSession.notes.loa = String(level);
      return !earlier;
    },
    onParentFlowSuccess(ctx) {
      const level = configuredLevel(ctx);
      ctx.authSession.notes.loa = String(level);
      if (configuredMaxAge(ctx) === 0) return;
      const map = { ...levelsReached(ctx), [String(level)]: Math.floor(Date.now() / 1000) };
      ctx.authSession.notes.loaMap = JSON.stringify(map);
    },
    authenticate: () => SUCCESS,
  },
};

/** The end of the top flow: an essential level that was not reached fails the login (ACR_NOT_FULFILLED). */
export const unmetEssentialLevel = (ctx: LoginContext): Outcome | undefined => {
  if (ctx.authSession.notes.forceLoa !== 'true') return undefined;
  if (numberNote(ctx, 'loa') >= requestedLevel(ctx)) return undefined;
  return ctx.failure('Authentication requirements not fulfilled', 400);
};

/** The `acr` claim of a client session: the reached level's name, else "1", or "0" for an SSO sign-in. */
export const acrClaim = (realm: RealmModel, client: ClientModel, session?: SessionModel): string => {
  const reached = session?.clientLoa?.[client.clientId];
  if (!reached || reached.level < 0) return reached?.sso ? '0' : '1';
  const name = Object.entries(acrLoaMap(realm, client)).find(([, level]) => level === reached.level)?.[0];
  return name ?? String(reached.level);
};
