/**
 * The helpdesk web page at /helpdesk: staff sign in through Keycloak (code flow + PKCE), find a user,
 * see their devices and audit trail, and remove a device or reset OTP with a reason (the Users tab);
 * helpdesk admins also get the Rollout tab, behind the same staff session. The page is a
 * server-rendered shell plus a small script that calls the helpdesk API with the session cookie and
 * the session's CSRF token; tokens stay on the server and never appear in a URL or a log.
 */
import { readFileSync } from 'node:fs';
import { parseCookie } from 'cookie';
import express, { type CookieOptions, type Request, type Response, Router } from 'express';
import { acrSatisfies, type Caller, type StaffProof } from '../http/auth.js';
import { pickRequestLocale, type Translator, translatorFor } from '../i18n/index.js';
import type { Logger } from '../observability/logger.js';
import { escapeHtml } from '../util/html.js';
import { type Sealer, sameSecret } from '../util/seal.js';
import { layout, messagePage, type StaffTab, staffPage, staffPageCsp } from './shell.js';
import {
  authorizationUrl,
  exchangeCode,
  LOGIN_LIFETIME_MS,
  logoutUrl,
  newPendingLogin,
  openPendingLogin,
  type StaffLoginOptions,
  sealPendingLogin,
} from './staff-login.js';
import { MAX_SESSION_MS, type StaffSession, type StaffSessions } from './staff-sessions.js';
import { confirmDialog, usersTab } from './users-tab.js';

export const SESSION_COOKIE = 'otp_helpdesk_session';
const LOGIN_COOKIE = 'otp_helpdesk_login';

/** The page's cookie names: `__Host-` prefixed over https, so no subdomain or plain-http page can set or shadow them. */
export const cookieNamesOf = (publicUrl: string | undefined) => {
  const prefix = publicUrl?.startsWith('https:') ? '__Host-' : '';
  return { session: `${prefix}${SESSION_COOKIE}`, login: `${prefix}${LOGIN_COOKIE}` };
};

export interface HelpdeskPageOptions {
  sessions: StaffSessions;
  loginSealer: Sealer;
  login: StaffLoginOptions;
  role: string;
  /** the second factor staff must have proven (helpdesk.acr, the realm's LoA map) */
  proof: StaffProof;
  realmDisplayName: string;
  /** the sidecar's public base URL; unset = the URL the request came to */
  publicUrl?: string;
  logger: Logger;
  /** the Rollout tab, for holders of its role; unset = no such tab */
  rollout?: RolloutTab;
  /** the realm's default locale when it has internationalization on (cached; never rejects) */
  realmDefaultLocale?: () => Promise<string | undefined>;
}

/** What the Rollout tab brings: the role it needs, its stylesheet and its content (the page's `main`) in a language. */
export interface RolloutTab {
  role: string;
  css: string;
  render: (t: Translator) => Promise<string>;
}

/** Where a sign-in may return to (`/helpdesk/login?to=`): the tabs, by name, never a URL from the request. */
const RETURN_TO = new Map([
  ['users', '/helpdesk'],
  ['rollout', '/helpdesk/rollout'],
]);

const ASSETS = {
  'app.js': { type: 'text/javascript', body: readFileSync(new URL('./assets/app.js', import.meta.url), 'utf8') },
  'app.css': { type: 'text/css', body: readFileSync(new URL('./assets/app.css', import.meta.url), 'utf8') },
  'logout.js': {
    type: 'text/javascript',
    body: readFileSync(new URL('./assets/logout.js', import.meta.url), 'utf8'),
  },
};

/** What the page's routes share: cookie names and options, the public base URL, the second-factor check. */
const pageContext = (options: HelpdeskPageOptions) => {
  const cookies = cookieNamesOf(options.publicUrl);
  const base = (req: Request) => (options.publicUrl ?? `${req.protocol}://${req.get('host')}`).replace(/\/+$/, '');
  const cookieOptions = (req: Request, maxAge: number): CookieOptions => ({
    httpOnly: true,
    // Lax, not Strict: the session cookie must ride the redirect back from Keycloak's login page.
    sameSite: 'lax',
    secure: base(req).startsWith('https:'),
    path: '/',
    maxAge,
  });
  // A __Host- cookie is only cleared by a Set-Cookie that is Secure with Path=/ too.
  const clearOptions = (req: Request): CookieOptions => {
    const { maxAge: _, ...rest } = cookieOptions(req, 0);
    return rest;
  };
  return {
    options,
    cookies,
    base,
    cookieOptions,
    clearOptions,
    sessionIdOf: (req: Request) => parseCookie(req.headers.cookie ?? '')[cookies.session],
    /** a password-only sign-in (no second factor) gets no page; signing in again asks Keycloak for the level */
    withoutSecondFactor: async (caller: Caller) =>
      !acrSatisfies(caller.acr, options.proof.acr, await options.proof.loaMap?.().catch(() => undefined)),
    /**
     * The language of a page, as Keycloak picks its own: the staff member's `locale` (a token claim) once
     * signed in, else the browser's Accept-Language, else the realm's default, else English.
     */
    translatorOf: async (req: Request, caller?: Caller): Promise<Translator> => {
      const acceptLanguage = req.headers['accept-language'];
      return translatorFor(
        await pickRequestLocale(
          { ...(caller?.locale ? { userLocale: caller.locale } : {}), ...(acceptLanguage ? { acceptLanguage } : {}) },
          options.realmDefaultLocale ?? (async () => undefined),
        ),
      );
    },
  };
};
type PageContext = ReturnType<typeof pageContext>;

const send = (res: Response, status: number, html: string) => res.status(status).type('html').send(html);
const notAllowed = (t: Translator, text: string, back: { href: string; text: string }) =>
  messagePage(t, t.t('staff.messages.notAllowedTitle'), text, back);
const secondFactorPage = (t: Translator) =>
  messagePage(t, t.t('staff.messages.secondFactorTitle'), t.t('staff.messages.secondFactorText'));
/** The page of a sign-in that failed, saying why. */
const signInFailed = (t: Translator, text: string) => messagePage(t, t.t('staff.messages.signInFailedTitle'), text);

/** Keycloak's answer at /callback: the code exchanged (PKCE), the token checked, a session opened. */
const finishSignIn = (ctx: PageContext) => async (req: Request, res: Response) => {
  const { options, cookies, base } = ctx;
  const { sessions, login, logger } = options;
  const query = req.query as Record<string, unknown>;
  const pending = openPendingLogin(options.loginSealer, parseCookie(req.headers.cookie ?? '')[cookies.login]);
  res.clearCookie(cookies.login, ctx.clearOptions(req));
  const t = await ctx.translatorOf(req);
  if (typeof query.error === 'string')
    return send(
      res,
      400,
      signInFailed(t, t.t('staff.messages.keycloakAnswered', { error: query.error.slice(0, 100) })),
    );
  if (!pending || typeof query.state !== 'string' || !sameSecret(query.state, pending.state))
    return send(
      res,
      400,
      messagePage(t, t.t('staff.messages.signInExpiredTitle'), t.t('staff.messages.signInExpiredText')),
    );
  if (typeof query.code !== 'string' || query.code.length > 2000)
    return send(res, 400, signInFailed(t, t.t('staff.messages.noCode')));
  let tokens: Awaited<ReturnType<typeof exchangeCode>>;
  try {
    tokens = await exchangeCode(login, query.code, pending, `${base(req)}/helpdesk/callback`);
  } catch (error) {
    logger.warn({ err: (error as Error).message }, 'helpdesk sign-in: code exchange failed');
    return send(res, 400, signInFailed(t, t.t('staff.messages.codeRefused')));
  }
  const caller = await sessions.verify(tokens);
  if (!caller) return send(res, 400, signInFailed(t, t.t('staff.messages.tokenUnverified')));
  if (await ctx.withoutSecondFactor(caller)) {
    logger.warn({ staff: caller.username }, 'helpdesk sign-in refused: no second factor');
    return send(res, 403, secondFactorPage(await ctx.translatorOf(req, caller)));
  }
  const sessionId = await sessions.create(caller, tokens);
  logger.info({ staff: caller.username }, 'helpdesk sign-in');
  res.cookie(cookies.session, sessionId, ctx.cookieOptions(req, MAX_SESSION_MS));
  res.redirect(302, pending.returnTo);
};

/** "Sign out": the page session ends, then Keycloak's (RP-initiated logout with the ID token as hint). */
const signOut = (ctx: PageContext) => async (req: Request, res: Response) => {
  const { sessions, login } = ctx.options;
  const sessionId = ctx.sessionIdOf(req);
  const csrf = (req.body as Record<string, unknown> | undefined)?.csrf;
  let idToken: string | undefined;
  if (sessionId && typeof csrf === 'string' && sameSecret(csrf, sessions.csrfFor(sessionId))) {
    idToken = await sessions.idTokenOf(sessionId);
    await sessions.destroy(sessionId);
  } else if (sessionId) {
    const t = await ctx.translatorOf(req);
    return send(
      res,
      403,
      messagePage(t, t.t('staff.messages.notSignedOutTitle'), t.t('staff.messages.notSignedOutText')),
    );
  }
  res.clearCookie(ctx.cookies.session, ctx.clearOptions(req));
  const signedOut = `${ctx.base(req)}/helpdesk/signed-out`;
  if (!idToken) return res.redirect(302, logoutUrl(login, signedOut));
  // With the ID token as hint Keycloak ends its session without asking, so the next sign-in asks again.
  // Posted (Keycloak's end-session endpoint takes a form), so the token never appears in a URL.
  send(res, 200, endSessionForm(await ctx.translatorOf(req), login, signedOut, idToken));
};

/** The self-submitting form of RP-initiated logout (assets/logout.js submits it; without script, a button). */
const endSessionForm = (t: Translator, login: StaffLoginOptions, postLogoutRedirectUri: string, idToken: string) => {
  const fields = { client_id: login.clientId, post_logout_redirect_uri: postLogoutRedirectUri, id_token_hint: idToken };
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`)
    .join('');
  const title = escapeHtml(t.t('staff.messages.signingOutTitle'));
  return layout(
    t,
    t.t('staff.messages.signingOutTitle'),
    `<main id="main"><h1>${title}</h1><form id="kc-logout" method="post" action="${escapeHtml(
      `${login.publicRealmUrl}/protocol/openid-connect/logout`,
    )}">${inputs}<noscript><button type="submit">${escapeHtml(t.t('staff.messages.finishSigningOut'))}</button></noscript></form></main>
<script src="/helpdesk/logout.js"></script>`,
  );
};

const csrfMeta = (session: StaffSession) => `<meta name="csrf-token" content="${escapeHtml(session.csrf)}">`;

/**
 * The staff session every tab requires: signed in, the helpdesk role, the second factor. Answers the
 * request itself (to the sign-in, or 403) and returns undefined when the session falls short.
 */
const staffSession = async (ctx: PageContext, req: Request, res: Response, tab: StaffTab) => {
  const { options } = ctx;
  const session = await options.sessions.resolve(ctx.sessionIdOf(req));
  if (!session) {
    res.redirect(302, tab === 'users' ? '/helpdesk/login' : `/helpdesk/login?to=${tab}`);
    return undefined;
  }
  const t = await ctx.translatorOf(req, session.caller);
  if (!session.caller.roles.includes(options.role)) {
    const text = t.t('staff.messages.notAllowedHelpdesk', { role: options.role });
    send(res, 403, notAllowed(t, text, { href: '/helpdesk/signed-out', text: t.t('staff.messages.back') }));
    return undefined;
  }
  if (await ctx.withoutSecondFactor(session.caller)) {
    send(res, 403, secondFactorPage(t));
    return undefined;
  }
  return { ...session, t };
};

export const helpdeskPage = (options: HelpdeskPageOptions): Router => {
  const { login } = options;
  const ctx = pageContext(options);
  const router = Router();
  const keycloakOrigin = new URL(login.publicRealmUrl).origin;

  router.use((_req, res, next) => {
    res.set('Content-Security-Policy', staffPageCsp(keycloakOrigin));
    res.set('Cache-Control', 'no-store');
    // The language may come from Accept-Language (pages before sign-in).
    res.vary('Accept-Language');
    next();
  });

  const frame = (session: StaffSession & { t: Translator }, current: StaffTab) => ({
    t: session.t,
    realm: options.realmDisplayName,
    username: session.caller.username,
    csrf: session.csrf,
    current,
    rolloutTab: Boolean(options.rollout && session.caller.roles.includes(options.rollout.role)),
  });

  router.get('/', async (req, res) => {
    const session = await staffSession(ctx, req, res, 'users');
    if (session)
      send(
        res,
        200,
        staffPage(frame(session, 'users'), usersTab(session.t), confirmDialog(session.t), csrfMeta(session)),
      );
  });

  const { rollout } = options;
  if (rollout) {
    // The tab takes the same staff session as the Users tab (role, second factor), then its own role.
    router.get('/rollout', async (req, res) => {
      const session = await staffSession(ctx, req, res, 'rollout');
      if (!session) return;
      const { t } = session;
      if (!session.caller.roles.includes(rollout.role)) {
        const text = t.t('staff.messages.notAllowedRollout', { role: rollout.role });
        return send(res, 403, notAllowed(t, text, { href: '/helpdesk', text: t.t('staff.messages.backToHelpdesk') }));
      }
      const head = '<link rel="stylesheet" href="/helpdesk/rollout/rollout.css">';
      send(res, 200, staffPage(frame(session, 'rollout'), await rollout.render(t), '', head));
    });
    router.get('/rollout/rollout.css', (_req, res) => {
      res.type('text/css').send(rollout.css);
    });
  }

  router.get('/login', (req, res) => {
    const to = typeof req.query.to === 'string' ? req.query.to : 'users';
    const pending = newPendingLogin(RETURN_TO.get(to) ?? '/helpdesk');
    const sealed = sealPendingLogin(options.loginSealer, pending);
    res.cookie(ctx.cookies.login, sealed, ctx.cookieOptions(req, LOGIN_LIFETIME_MS));
    res.redirect(302, authorizationUrl(login, pending, `${ctx.base(req)}/helpdesk/callback`));
  });
  router.get('/callback', finishSignIn(ctx));
  router.post('/logout', express.urlencoded({ extended: false, limit: '1kb' }), signOut(ctx));

  router.get('/signed-out', async (req, res) => {
    const t = await ctx.translatorOf(req);
    const signIn = { href: '/helpdesk/login', text: t.t('staff.messages.signIn') };
    send(res, 200, messagePage(t, t.t('staff.messages.signedOutTitle'), t.t('staff.messages.signedOutText'), signIn));
  });

  for (const [name, asset] of Object.entries(ASSETS))
    router.get(`/${name}`, (_req, res) => {
      res.type(asset.type).send(asset.body);
    });
  return router;
};
