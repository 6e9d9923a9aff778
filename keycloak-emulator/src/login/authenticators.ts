/** The authenticators of the browser and reset-credentials flows, keyed by Keycloak's provider ids. */
import { authTimeOf, findUserForLogin } from '../oidc/user-sessions.js';
import { checkCredentialCode } from '../otp/totp.js';
import { passwordMatches } from '../state/credentials.js';
import type { UserModel } from '../state/model.js';
import { effectiveRoles, roleFromString } from '../state/roles.js';
import { sendResetCredentialsEmail } from './action-links.js';
import { lockoutError, recordLoginFailure } from './brute-force.js';
import type { LoginContext, Outcome } from './context.js';
import type { AuthenticatorRegistry } from './flow-engine.js';
import { previousLevel, reauthenticationRequired, requestedLevel } from './loa.js';
import { chooseOtpToRemovePage, forgotPasswordPage, loginPage, type OtpDevice, otpPage } from './pages.js';

export const INVALID_CREDENTIALS = 'Invalid username or password.';
export const INVALID_OTP = 'Invalid authenticator code.';
export const EMAIL_SENT = 'You should receive an email shortly with further instructions.';

const SUCCESS: Outcome = { kind: 'success' };
const ATTEMPTED: Outcome = { kind: 'attempted' };

export const otpCredentials = (user: UserModel) => user.credentials.filter((c) => c.type === 'otp');

const devicesOf = (user: UserModel): OtpDevice[] =>
  otpCredentials(user).map((c) => ({ id: c.id, label: c.userLabel ?? 'OTP device' }));

/** Keycloak's KC_ACTION_MAX_AGE: how old a sign-in may be for an application-initiated action without re-authenticating. */
const KC_ACTION_MAX_AGE = 300;

/**
 * An application-initiated action (`kc_action`) refuses an SSO session signed in longer ago than the
 * action's `max_auth_age` (default 300 s): the user signs in again first (OIDCLoginProtocol's
 * isReAuthRequiredForKcAction, which CookieAuthenticator honours).
 */
const kcActionNeedsReauthentication = (ctx: LoginContext, authTime: number) => {
  const alias = ctx.authSession.notes.kcAction;
  if (!alias) return false;
  const configured = Number(ctx.realm.requiredActions.get(alias)?.config.max_auth_age);
  const maxAge = Number.isFinite(configured) && configured >= 0 ? configured : KC_ACTION_MAX_AGE;
  return authTime + maxAge * 1000 < Date.now();
};

const loginForm = (ctx: LoginContext, error?: string, username?: string, success?: string) =>
  ctx.challenge(
    loginPage({
      ...ctx.frame,
      action: ctx.actionUrl(),
      resetUrl: ctx.resetUrl(),
      error,
      username: username ?? ctx.authSession.notes.reauthenticate,
      success,
      ...(ctx.authSession.notes.reauthenticate && !error ? { info: 'Please re-authenticate to continue' } : {}),
    }),
    error ? 401 : 200,
  );

/** The sign-in page of a restarted login shows the message it was restarted with, once, as a success alert. */
const firstLoginForm = (ctx: LoginContext) => {
  const forwarded = ctx.authSession.notes.forwardedSuccess;
  delete ctx.authSession.notes.forwardedSuccess;
  return loginForm(ctx, undefined, undefined, forwarded);
};

/** The credential types used so far in this login (AuthenticatorUtil.getAuthnCredentials), for conditions. */
const authnCredentials = (ctx: LoginContext) =>
  (ctx.authSession.notes.authnCredentials ?? '').split(',').filter(Boolean);

const usedCredential = (ctx: LoginContext, type: string) => {
  const used = new Set(authnCredentials(ctx)).add(type);
  ctx.authSession.notes.authnCredentials = [...used].join(',');
};

const otpForm = (ctx: LoginContext, user: UserModel, error?: string, selectedId?: string) =>
  ctx.challenge(
    otpPage({ ...ctx.frame, action: ctx.actionUrl(), devices: devicesOf(user), selectedId, error }),
    error ? 401 : 200,
  );

/** Reset OTP removes devices through the credential manager: Keycloak records no event for it (ResetOTP). */
const removeCredential = (user: UserModel, credentialId: string) => {
  user.credentials = user.credentials.filter((c) => c.id !== credentialId);
};

export const authenticators: AuthenticatorRegistry = {
  'auth-cookie': {
    authenticate(ctx) {
      const session = ctx.request.ssoSessionId ? ctx.realm.sessions.get(ctx.request.ssoSessionId) : undefined;
      const user = session ? ctx.realm.users.get(session.userId) : undefined;
      if (!session || !user?.enabled) return ATTEMPTED;
      // CookieAuthenticator: prompt=login or an expired max_age asks a fresh sign-in; a higher level than the
      // session reached continues the flow from the session's level (step-up) with the session's user.
      if (ctx.request.query.prompt === 'login' || reauthenticationRequired(ctx, session)) {
        ctx.authSession.notes.forcedReauth = 'true';
        return ATTEMPTED;
      }
      // An application-initiated action past its max_auth_age asks the user to sign in again.
      if (kcActionNeedsReauthentication(ctx, authTimeOf(session))) {
        ctx.authSession.notes.reauthenticate = user.username;
        return ATTEMPTED;
      }
      ctx.authSession.notes.loaMap = JSON.stringify(session.loaMap ?? {});
      const level = previousLevel(session);
      ctx.authSession.notes.loa = String(level);
      ctx.setUser(user);
      if (requestedLevel(ctx) > level) return ATTEMPTED;
      ctx.authSession.notes.ssoReused = session.id;
      ctx.authSession.notes.ssoAuth = 'true';
      return SUCCESS;
    },
  },

  'auth-username-password-form': {
    authenticate: (ctx) => firstLoginForm(ctx),
    action(ctx) {
      const username = (ctx.form.username ?? '').trim();
      const user = username ? findUserForLogin(ctx.realm, username) : undefined;
      if (!user || user.serviceAccountClientId) {
        ctx.event('LOGIN_ERROR', { error: 'user_not_found', details: { username } });
        return loginForm(ctx, INVALID_CREDENTIALS, username);
      }
      // AbstractUsernameFormAuthenticator's order: blank password, lockout, password, then disabled — so a
      // wrong password never reveals that an account is disabled or locked.
      const refuse = (error: string, message = INVALID_CREDENTIALS) => {
        ctx.event('LOGIN_ERROR', { error, userId: user.id, details: { username } });
        return loginForm(ctx, message, username);
      };
      const typed = ctx.form.password ?? '';
      if (!typed) return refuse('invalid_user_credentials');
      const lockout = lockoutError(ctx.realm, user);
      if (lockout) return refuse(lockout);
      const password = user.credentials.find((c) => c.type === 'password');
      if (!password || !passwordMatches(password, typed)) {
        recordLoginFailure(ctx.realm, user, ctx.request.ipAddress);
        return refuse('invalid_user_credentials');
      }
      if (!user.enabled) return refuse('user_disabled', 'Account is disabled, contact your administrator.');
      ctx.setUser(user);
      usedCredential(ctx, 'password');
      return SUCCESS;
    },
  },

  'auth-otp-form': {
    requiresUser: true,
    requiredAction: 'CONFIGURE_TOTP',
    configuredFor: (_realm, user) => otpCredentials(user).length > 0,
    authenticate: (ctx) => otpForm(ctx, ctx.user as UserModel),
    action(ctx) {
      const user = ctx.user as UserModel;
      const devices = otpCredentials(user);
      const selectedId = ctx.form.selectedCredentialId || devices[0]?.id;
      // OTPFormAuthenticator: a post without the field is not an attempt; the form is shown again.
      if (ctx.form.otp === undefined) return otpForm(ctx, user, undefined, selectedId);
      const credential = devices.find((c) => c.id === selectedId) ?? devices[0];
      const code = ctx.form.otp.trim();
      // A locked account answers as a wrong code does, and the attempt is not counted.
      const lockout = lockoutError(ctx.realm, user);
      const valid = !lockout && credential && code && checkCredentialCode(ctx.realm, credential, code);
      if (!valid) {
        if (!lockout) recordLoginFailure(ctx.realm, user, ctx.request.ipAddress);
        const error = lockout ?? 'invalid_user_credentials';
        ctx.event('LOGIN_ERROR', { error, details: { credential_type: 'otp' } });
        return otpForm(ctx, user, INVALID_OTP, selectedId);
      }
      usedCredential(ctx, 'otp');
      return SUCCESS;
    },
  },

  'conditional-user-configured': {
    matches: (ctx, flowId) => Boolean(ctx.user) && ctx.engine.flowConfigured(ctx, flowId),
    authenticate: () => SUCCESS,
  },

  /**
   * ConditionalCredentialAuthenticator: true when none (or, with `included`, any) of the configured
   * credential types (`credentials`, "##"-separated) was used so far in this login; "none" when nothing was.
   */
  'conditional-credential': {
    matches(ctx) {
      const configured = new Set((ctx.config.credentials ?? '').split('##'));
      const used = authnCredentials(ctx);
      const hit = (used.length > 0 ? used : ['none']).some((type) => configured.has(type));
      return ctx.config.included === 'true' ? hit : !hit;
    },
    authenticate: () => SUCCESS,
  },

  'conditional-user-role': {
    matches(ctx) {
      const user = ctx.user;
      const wanted = ctx.config.condUserRole;
      // A name that resolves to no role is false, negated or not (ConditionalRoleAuthenticator#matchCondition).
      const role = wanted ? roleFromString(ctx.realm, wanted) : undefined;
      if (!user || !role) return false;
      const has = effectiveRoles(ctx.realm, user).has(role.id);
      return ctx.config.negate === 'true' ? !has : has;
    },
    authenticate: () => SUCCESS,
  },

  'reset-credentials-choose-user': {
    authenticate(ctx) {
      if (ctx.user) return SUCCESS;
      return ctx.challenge(
        forgotPasswordPage({ ...ctx.frame, action: ctx.actionUrl(), loginUrl: ctx.request.loginUrl }),
      );
    },
    // ResetCredentialChooseUser: unknown and disabled users continue without a user (no enumeration);
    // the reset-credentials endpoint's event type is RESET_PASSWORD, so its errors are RESET_PASSWORD_ERROR.
    action(ctx) {
      const username = (ctx.form.username ?? '').trim();
      if (!username) {
        ctx.event('RESET_PASSWORD_ERROR', { error: 'username_missing' });
        const error = 'Please specify username.';
        const page = forgotPasswordPage({
          ...ctx.frame,
          action: ctx.actionUrl(),
          loginUrl: ctx.request.loginUrl,
          error,
        });
        return ctx.challenge(page, 400);
      }
      const found = findUserForLogin(ctx.realm, username);
      const user = found && !found.serviceAccountClientId ? found : undefined;
      ctx.authSession.notes.attemptedUsername = username;
      if (!user) ctx.event('RESET_PASSWORD_ERROR', { error: 'user_not_found', details: { username } });
      else if (!user.enabled)
        ctx.event('RESET_PASSWORD_ERROR', { error: 'user_disabled', userId: user.id, details: { username } });
      ctx.setUser(user?.enabled ? user : undefined);
      return SUCCESS;
    },
  },

  /**
   * ResetCredentialEmail: every case — no user, no email, sent, SMTP failure — ends in the same restart
   * of the browser flow with "You should receive an email shortly…", so the page reveals nothing.
   */
  'reset-credential-email': {
    async authenticate(ctx) {
      if (ctx.authSession.notes.emailVerified === 'true') return SUCCESS;
      const user = ctx.user;
      const username = ctx.authSession.notes.attemptedUsername ?? '';
      const emailSent: Outcome = { kind: 'restart', info: EMAIL_SENT };
      if (!user) return emailSent;
      if (!user.email?.trim()) {
        ctx.event('RESET_PASSWORD_ERROR', { error: 'invalid_email', details: { username } });
        return emailSent;
      }
      try {
        await sendResetCredentialsEmail({ ...ctx.linkFor(user), asid: ctx.authSession.tabId });
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        ctx.event('SEND_RESET_PASSWORD_ERROR', { error: 'email_send_failed', details: { username, reason } });
        return emailSent;
      }
      ctx.event('SEND_RESET_PASSWORD', { details: { username, email: user.email } });
      return emailSent;
    },
  },

  'reset-password': {
    requiresUser: true,
    authenticate(ctx) {
      ctx.authSession.requiredActions.add('UPDATE_PASSWORD');
      return SUCCESS;
    },
  },

  'reset-otp': {
    requiresUser: true,
    configuredFor: (_realm, user) => otpCredentials(user).length > 0,
    authenticate(ctx) {
      const user = ctx.user as UserModel;
      const mode = ctx.config.action_on_otp_reset_flag ?? 'Remove none';
      if (mode === 'Remove one' && otpCredentials(user).length > 0) {
        return ctx.challenge(
          chooseOtpToRemovePage({ ...ctx.frame, action: ctx.actionUrl(), devices: devicesOf(user) }),
        );
      }
      if (mode === 'Remove all') for (const credential of otpCredentials(user)) removeCredential(user, credential.id);
      ctx.authSession.requiredActions.add('CONFIGURE_TOTP');
      return SUCCESS;
    },
    action(ctx) {
      const user = ctx.user as UserModel;
      const selected = otpCredentials(user).find((c) => c.id === ctx.form.selectedCredentialId);
      if (!selected) return this.authenticate(ctx);
      removeCredential(user, selected.id);
      ctx.authSession.requiredActions.add('CONFIGURE_TOTP');
      return SUCCESS;
    },
  },
};
