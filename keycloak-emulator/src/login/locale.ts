/**
 * The browser side of languages, as Keycloak 26 runs it: `kc_locale` on a login-actions URL is the
 * user's pick for that login (LocaleUtil.processLocaleParam: an auth note, and the KEYCLOAK_LOCALE
 * cookie); once the user is known and the flow is done, the `update_user_locale` required action's
 * trigger (UpdateUserLocaleAction#evaluateTriggers) stores a pick as the user's `locale` attribute
 * (DefaultLocaleUpdaterProvider: only when it changes, recording UPDATE_PROFILE with
 * previous_locale/updated_locale), else refreshes the cookie from the attribute, else expires it.
 */
import type { NextFunction, Request, Response } from 'express';
import { recordEvent } from '../events/recorder.js';
import { langFor } from '../i18n/lang.js';
import type { LocaleHints } from '../i18n/locale-selection.js';
import type { RealmModel, UserModel } from '../state/model.js';
import type { EmulatorState } from '../state/store.js';
import { type LoginContext, USER_REQUESTED } from './context.js';
import { cookieOf, cookiePath } from './cookies.js';

export const LOCALE_COOKIE = 'KEYCLOAK_LOCALE';

const pickedLocale = (req: Request, realm: RealmModel): string | undefined => {
  const value = req.query.kc_locale;
  const onLoginActions = req.path.includes('/login-actions/');
  return realm.settings.internationalizationEnabled === true && onLoginActions && typeof value === 'string' && value
    ? value
    : undefined;
};

/** What a request tells of its language without a login: the pick on this URL, the cookie, Accept-Language. */
export const requestLocaleHints = (req: Request, realm?: RealmModel): LocaleHints => {
  const hints: LocaleHints = {};
  const picked = realm ? pickedLocale(req, realm) : undefined;
  const cookie = cookieOf(req, LOCALE_COOKIE);
  const acceptLanguage = req.headers['accept-language'];
  if (picked) hints.userRequested = picked;
  if (cookie) hints.cookie = cookie;
  if (acceptLanguage) hints.acceptLanguage = acceptLanguage;
  return hints;
};

/** The language of a page shown outside any login (error pages, logout). */
export const langOfRequest = (realm: RealmModel, req: Request) => langFor(realm, requestLocaleHints(req, realm));

const setLocaleCookie = (res: Response, realm: RealmModel, tag: string) =>
  res.cookie(LOCALE_COOKIE, tag, { path: cookiePath(realm), httpOnly: true, sameSite: 'lax' });

/** Middleware of the realm's login routes: a `kc_locale` pick sets the KEYCLOAK_LOCALE cookie. */
export const localeCookieOnPick = (state: EmulatorState) => (req: Request, res: Response, next: NextFunction) => {
  const realm = state.realms.get(String(req.params.realm));
  const picked = realm ? pickedLocale(req, realm) : undefined;
  if (realm && picked) setLocaleCookie(res, realm, picked);
  next();
};

/** Remembers this request's pick in the login (kept for the rest of it). */
export const notePickedLocale = (req: Request, realm: RealmModel, notes: Record<string, string>) => {
  const picked = pickedLocale(req, realm);
  if (picked) notes[USER_REQUESTED] = picked;
};

/** update_user_locale's trigger, run each time the login looks for pending required actions. */
export const updateUserLocale = (res: Response, ctx: LoginContext, user: UserModel) => {
  if (!ctx.realm.requiredActions.get('update_user_locale')?.enabled) return;
  const requested = ctx.authSession.notes[USER_REQUESTED];
  const current = user.attributes.locale?.[0];
  if (requested && requested !== current) {
    setLocaleCookie(res, ctx.realm, requested);
    user.attributes.locale = [requested];
    recordEvent(ctx.realm, {
      type: 'UPDATE_PROFILE',
      clientId: ctx.authSession.clientId,
      userId: user.id,
      ipAddress: ctx.request.ipAddress,
      details: { ...(current ? { previous_locale: current } : {}), updated_locale: requested },
    });
  } else if (!requested && current) setLocaleCookie(res, ctx.realm, current);
  else if (!requested) res.clearCookie(LOCALE_COOKIE, { path: cookiePath(ctx.realm) });
};
