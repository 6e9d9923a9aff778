/** The authenticators of the browser and reset-credentials flows, keyed by Keycloak's provider ids. */
import { findUserForLogin } from '../oidc/user-sessions.js';
import { checkCredentialCode } from '../otp/totp.js';
import { passwordMatches } from '../state/credentials.js';
import type { UserModel } from '../state/model.js';
import { effectiveRoles } from '../state/roles.js';
import { sendResetCredentialsEmail } from './action-links.js';
import { isLockedOut, recordLoginFailure } from './brute-force.js';
import type { LoginContext, Outcome } from './context.js';
import type { AuthenticatorRegistry } from './flow-engine.js';
import { chooseOtpToRemovePage, forgotPasswordPage, infoPage, loginPage, type OtpDevice, otpPage } from './pages.js';

export const INVALID_CREDENTIALS = 'Invalid username or password.';
export const INVALID_OTP = 'Invalid authenticator code.';
export const EMAIL_SENT = 'You should receive an email shortly with further instructions.';

const SUCCESS: Outcome = { kind: 'success' };
const ATTEMPTED: Outcome = { kind: 'attempted' };

export const otpCredentials = (user: UserModel) => user.credentials.filter((c) => c.type === 'otp');

const devicesOf = (user: UserModel): OtpDevice[] =>
  otpCredentials(user).map((c) => ({ id: c.id, label: c.userLabel ?? 'OTP device' }));

const loginForm = (ctx: LoginContext, error?: string, username?: string) =>
  ctx.challenge(
    loginPage({ realmTitle: ctx.realmTitle, action: ctx.actionUrl(), resetUrl: ctx.resetUrl(), error, username }),
    error ? 401 : 200,
  );

const otpForm = (ctx: LoginContext, user: UserModel, error?: string, selectedId?: string) =>
  ctx.challenge(
    otpPage({ realmTitle: ctx.realmTitle, action: ctx.actionUrl(), devices: devicesOf(user), selectedId, error }),
    error ? 401 : 200,
  );

const removeCredential = (ctx: LoginContext, user: UserModel, credentialId: string) => {
  const credential = user.credentials.find((c) => c.id === credentialId);
  if (!credential) return;
  user.credentials = user.credentials.filter((c) => c !== credential);
  ctx.event('REMOVE_CREDENTIAL', {
    details: {
      credential_type: credential.type,
      credential_id: credential.id,
      ...(credential.userLabel ? { credential_user_label: credential.userLabel } : {}),
    },
  });
};

export const authenticators: AuthenticatorRegistry = {
  'auth-cookie': {
    authenticate(ctx) {
      const session = ctx.request.ssoSessionId ? ctx.realm.sessions.get(ctx.request.ssoSessionId) : undefined;
      const user = session ? ctx.realm.users.get(session.userId) : undefined;
      if (!session || !user?.enabled || ctx.request.query.prompt === 'login') return ATTEMPTED;
      ctx.setUser(user);
      ctx.authSession.notes.ssoReused = session.id;
      return SUCCESS;
    },
  },

  'auth-username-password-form': {
    authenticate: (ctx) => loginForm(ctx),
    action(ctx) {
      const username = (ctx.form.username ?? '').trim();
      const user = username ? findUserForLogin(ctx.realm, username) : undefined;
      if (!user || user.serviceAccountClientId) {
        ctx.event('LOGIN_ERROR', { error: 'user_not_found', details: { username } });
        return loginForm(ctx, INVALID_CREDENTIALS, username);
      }
      if (!user.enabled) {
        ctx.event('LOGIN_ERROR', { error: 'user_disabled', userId: user.id, details: { username } });
        return loginForm(ctx, 'Account is disabled, contact your administrator.', username);
      }
      // A locked account answers as a wrong password does, so lockouts reveal nothing.
      const password = user.credentials.find((c) => c.type === 'password');
      const locked = isLockedOut(ctx.realm, user);
      if (locked || !password || !passwordMatches(password, ctx.form.password ?? '')) {
        if (!locked) recordLoginFailure(ctx.realm, user, ctx.request.ipAddress);
        ctx.event('LOGIN_ERROR', { error: 'invalid_user_credentials', userId: user.id, details: { username } });
        return loginForm(ctx, INVALID_CREDENTIALS, username);
      }
      ctx.setUser(user);
      return SUCCESS;
    },
  },

  'auth-otp-form': {
    requiresUser: true,
    requiredAction: 'CONFIGURE_TOTP',
    configuredFor: (_realm, user) => otpCredentials(user).length > 0,
    authenticate: (ctx) => otpForm(ctx, ctx.user as UserModel),
    async action(ctx) {
      const user = ctx.user as UserModel;
      const devices = otpCredentials(user);
      const selectedId = ctx.form.selectedCredentialId || devices[0]?.id;
      const credential = devices.find((c) => c.id === selectedId) ?? devices[0];
      const code = (ctx.form.otp ?? '').trim();
      const locked = isLockedOut(ctx.realm, user);
      if (!credential || locked || !code || !(await checkCredentialCode(ctx.realm, credential, code))) {
        if (!locked) recordLoginFailure(ctx.realm, user, ctx.request.ipAddress);
        ctx.event('LOGIN_ERROR', { error: 'invalid_user_credentials', details: { credential_type: 'otp' } });
        return otpForm(ctx, user, INVALID_OTP, selectedId);
      }
      return SUCCESS;
    },
  },

  'conditional-user-configured': {
    matches: (ctx, flowId) => Boolean(ctx.user) && ctx.engine.flowConfigured(ctx, flowId),
    authenticate: () => SUCCESS,
  },

  'conditional-user-role': {
    matches(ctx) {
      const user = ctx.user;
      const wanted = ctx.config.condUserRole;
      if (!user || !wanted) return false;
      const [clientId, roleName] = wanted.includes('.')
        ? (wanted.split('.', 2) as [string, string])
        : [undefined, wanted];
      const has = [...effectiveRoles(ctx.realm, user).values()].some((role) => {
        if (role.name !== roleName) return false;
        if (!clientId) return !role.clientRole;
        return role.clientRole && ctx.realm.clients.get(role.containerId)?.clientId === clientId;
      });
      return ctx.config.negate === 'true' ? !has : has;
    },
    authenticate: () => SUCCESS,
  },

  'reset-credentials-choose-user': {
    authenticate(ctx) {
      if (ctx.user) return SUCCESS;
      return ctx.challenge(
        forgotPasswordPage({ realmTitle: ctx.realmTitle, action: ctx.actionUrl(), loginUrl: ctx.request.loginUrl }),
      );
    },
    action(ctx) {
      const username = (ctx.form.username ?? '').trim();
      if (!username) {
        return ctx.challenge(
          forgotPasswordPage({
            realmTitle: ctx.realmTitle,
            action: ctx.actionUrl(),
            loginUrl: ctx.request.loginUrl,
            error: 'Please specify username.',
          }),
          400,
        );
      }
      // Unknown users continue too: the next step answers the same either way (no enumeration).
      const user = findUserForLogin(ctx.realm, username);
      ctx.authSession.notes.attemptedUsername = username;
      ctx.setUser(user && !user.serviceAccountClientId ? user : undefined);
      return SUCCESS;
    },
  },

  'reset-credential-email': {
    async authenticate(ctx) {
      if (ctx.authSession.notes.emailVerified === 'true') return SUCCESS;
      const user = ctx.user;
      const emailSent = () => ctx.challenge(infoPage({ realmTitle: ctx.realmTitle, message: EMAIL_SENT }));
      if (!user) {
        ctx.event('SEND_RESET_PASSWORD_ERROR', {
          error: 'user_not_found',
          details: { username: ctx.authSession.notes.attemptedUsername ?? '' },
        });
        return emailSent();
      }
      if (!user.email || !user.enabled) {
        ctx.event('SEND_RESET_PASSWORD_ERROR', { error: user.email ? 'user_disabled' : 'invalid_email' });
        return emailSent();
      }
      try {
        await sendResetCredentialsEmail({ ...ctx.linkFor(user), asid: ctx.authSession.tabId });
      } catch {
        ctx.event('SEND_RESET_PASSWORD_ERROR', { error: 'email_send_failed', details: { email: user.email } });
        return ctx.failure('Failed to send email, please try again later.', 500);
      }
      ctx.event('SEND_RESET_PASSWORD', { details: { email: user.email } });
      return emailSent();
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
          chooseOtpToRemovePage({ realmTitle: ctx.realmTitle, action: ctx.actionUrl(), devices: devicesOf(user) }),
        );
      }
      if (mode === 'Remove all')
        for (const credential of otpCredentials(user)) removeCredential(ctx, user, credential.id);
      ctx.authSession.requiredActions.add('CONFIGURE_TOTP');
      return SUCCESS;
    },
    action(ctx) {
      const user = ctx.user as UserModel;
      const selected = otpCredentials(user).find((c) => c.id === ctx.form.selectedCredentialId);
      if (!selected) return this.authenticate(ctx);
      removeCredential(ctx, user, selected.id);
      ctx.authSession.requiredActions.add('CONFIGURE_TOTP');
      return SUCCESS;
    },
  },
};
