/**
 * Required actions run after a flow succeeds (or from an execute-actions link), in the realm's priority
 * order: CONFIGURE_TOTP, UPDATE_PASSWORD, UPDATE_PROFILE, VERIFY_EMAIL. Each renders its page and
 * processes its form; completing one removes it from the user and from the login.
 */
import QRCode from 'qrcode';
import { otpSupportedApplications } from '../admin/realm-representation.js';
import {
  checkCredentialCode,
  checkSetupCode,
  encodeSecretForUser,
  generateOtpSecret,
  groupedSecret,
  keyUri,
  otpPolicy,
} from '../otp/totp.js';
import { newOtpCredential, newPasswordCredential } from '../state/credentials.js';
import type { UserModel } from '../state/model.js';
import { sendVerifyEmail } from './action-links.js';
import { otpCredentials } from './authenticators.js';
import { browserSessionId, type LoginContext, loginActionsUrl } from './context.js';
import { deleteCredential } from './delete-credential.js';
import { infoPage, totpSetupPage, updatePasswordPage, updateProfilePage } from './pages.js';

export type ActionResult = { done: true } | { done: false; html: string; status: number };

export interface RequiredActionHandler {
  /** the action has nothing to do for this login and is passed over (Keycloak's `context.ignore()`) */
  skip?(ctx: LoginContext, user: UserModel): boolean;
  render(ctx: LoginContext, user: UserModel): Promise<string> | string;
  process(ctx: LoginContext, user: UserModel): Promise<ActionResult> | ActionResult;
}

const actionUrl = (ctx: LoginContext, alias: string, extra: Record<string, string> = {}) =>
  loginActionsUrl(ctx.request.baseUrl, ctx.realm, 'required-action', ctx.authSession, { execution: alias, ...extra });

/** "Sign out from other devices": ends the user's sessions but this browser's (AuthenticatorUtil#logoutOtherSessions). */
const signOutOtherSessions = (ctx: LoginContext, user: UserModel) => {
  if (ctx.form['logout-sessions'] !== 'on') return;
  const keep = browserSessionId(ctx);
  for (const [id, session] of ctx.realm.sessions) {
    if (session.userId === user.id && id !== keep) ctx.realm.sessions.delete(id);
  }
};

type TotpError = { message: string; field: 'totp' | 'userLabel' };

const totpPage = async (ctx: LoginContext, user: UserModel, secret: string, error?: TotpError) => {
  const encoded = encodeSecretForUser(secret);
  const manual = (ctx.form.mode ?? ctx.request.query.mode) === 'manual';
  return totpSetupPage({
    ...ctx.frame,
    action: actionUrl(ctx, 'CONFIGURE_TOTP'),
    manualUrl: actionUrl(ctx, 'CONFIGURE_TOTP', { mode: 'manual' }),
    qrUrl: actionUrl(ctx, 'CONFIGURE_TOTP'),
    mode: manual ? 'manual' : 'qr',
    secret,
    groupedEncodedSecret: groupedSecret(encoded),
    qrDataUrl: await QRCode.toDataURL(keyUri(ctx.realm, user, encoded), { margin: 2, scale: 6 }),
    policy: otpPolicy(ctx.realm),
    supportedApplications: otpSupportedApplications(ctx.realm.settings),
    ...(error ? { error: error.message, errorField: error.field } : {}),
    appInitiated: Boolean(ctx.authSession.notes.kcAction),
  });
};

/** A device name another OTP device of the user has (trimmed, case-insensitive): Keycloak's store refuses it. */
const labelTaken = (user: UserModel, label: string) =>
  label !== '' && otpCredentials(user).some((c) => (c.userLabel ?? '').trim().toLowerCase() === label.toLowerCase());

/** UpdateTotp's checks, in its order; undefined when the setup may go ahead. */
const totpSetupError = (ctx: LoginContext, user: UserModel, secret: string, code: string, label: string) => {
  const error = (message: string, field: TotpError['field']): TotpError => ({ message, field });
  if (!code) return error('Please specify authenticator code.', 'totp');
  if (!secret || !checkSetupCode(ctx.realm, secret, code)) return error('Invalid authenticator code.', 'totp');
  if (!label && otpCredentials(user).length > 0) return error('Please specify device name.', 'userLabel');
  if (labelTaken(user, label)) return error('Device already exists with the same name', 'userLabel');
  return undefined;
};

const newDeviceFor = (ctx: LoginContext, secret: string, label: string) => {
  const policy = otpPolicy(ctx.realm);
  const subType = policy.type === 'hotp' ? 'hotp' : 'totp';
  const data = { subType, digits: policy.digits, counter: policy.initialCounter, period: policy.period } as const;
  return newOtpCredential(secret, { ...data, algorithm: policy.algorithm }, label || undefined);
};

/**
 * CONFIGURE_TOTP as UpdateTotp runs it: the code is checked against the **posted** `totpSecret` only (the
 * session's note only keeps the page's secret stable); a failed submit shows the page again and records
 * no event; the new device then checks the code once more, so the setup code is used up (a TOTP code
 * cannot sign in, an HOTP counter moves on). Success records UPDATE_CREDENTIAL and the deprecated UPDATE_TOTP.
 */
const configureTotp: RequiredActionHandler = {
  render(ctx, user) {
    // One secret per login, so reloading the page (or switching to manual mode) shows the same key.
    ctx.authSession.notes.totpSecret ??= generateOtpSecret();
    return totpPage(ctx, user, ctx.authSession.notes.totpSecret);
  },
  async process(ctx, user) {
    const secret = ctx.form.totpSecret ?? '';
    const code = (ctx.form.totp ?? '').trim();
    const label = (ctx.form.userLabel ?? '').trim();
    const error = totpSetupError(ctx, user, secret, code, label);
    if (error) {
      const shown = secret || ctx.authSession.notes.totpSecret || generateOtpSecret();
      return { done: false, html: await totpPage(ctx, user, shown, error), status: 200 };
    }
    signOutOtherSessions(ctx, user);
    const device = newDeviceFor(ctx, secret, label);
    user.credentials.push(device);
    checkCredentialCode(ctx.realm, device, code);
    delete ctx.authSession.notes.totpSecret;
    const details = {
      credential_type: 'otp',
      ...(label ? { credential_user_label: label } : {}),
      custom_required_action: 'CONFIGURE_TOTP',
    };
    ctx.event('UPDATE_CREDENTIAL', { details });
    ctx.event('UPDATE_TOTP', { details });
    return { done: true };
  },
};

const updatePassword: RequiredActionHandler = {
  render: (ctx) => updatePasswordPage({ ...ctx.frame, action: actionUrl(ctx, 'UPDATE_PASSWORD') }),
  process(ctx, user) {
    const password = ctx.form['password-new'] ?? '';
    const fail = (error: string) => {
      ctx.event('UPDATE_PASSWORD_ERROR', { error: 'password_missing' });
      return {
        done: false as const,
        html: updatePasswordPage({ ...ctx.frame, action: actionUrl(ctx, 'UPDATE_PASSWORD'), error }),
        status: 400,
      };
    };
    if (!password) return fail('Please specify password.');
    if (password !== ctx.form['password-confirm']) return fail("Passwords don't match.");
    user.credentials = [...user.credentials.filter((c) => c.type !== 'password'), newPasswordCredential(password)];
    signOutOtherSessions(ctx, user);
    ctx.event('UPDATE_PASSWORD');
    return { done: true };
  },
};

const updateProfile: RequiredActionHandler = {
  render: (ctx, user) => updateProfilePage({ ...ctx.frame, action: actionUrl(ctx, 'UPDATE_PROFILE'), values: user }),
  process(ctx, user) {
    const { email = '', firstName = '', lastName = '' } = ctx.form;
    if (!email.includes('@')) {
      return {
        done: false,
        status: 400,
        html: updateProfilePage({
          ...ctx.frame,
          action: actionUrl(ctx, 'UPDATE_PROFILE'),
          values: ctx.form,
          error: 'Invalid email address.',
        }),
      };
    }
    const lowered = email.trim().toLowerCase();
    if (user.email) ctx.realm.usersByEmail.delete(user.email);
    Object.assign(user, { email: lowered, firstName: firstName.trim(), lastName: lastName.trim() });
    ctx.realm.usersByEmail.set(lowered, user);
    ctx.event('UPDATE_PROFILE');
    return { done: true };
  },
};

const verifyEmail: RequiredActionHandler = {
  async render(ctx, user) {
    if (user.email && !ctx.authSession.notes.verifyEmailSent) {
      ctx.authSession.notes.verifyEmailSent = 'true';
      await sendVerifyEmail({
        ...ctx.linkFor(user),
        lifespanSeconds: Number(ctx.realm.settings.actionTokenGeneratedByUserLifespan ?? 300),
      }).catch(() => undefined);
      ctx.event('SEND_VERIFY_EMAIL', { details: { email: user.email } });
    }
    const { lang } = ctx;
    return infoPage({
      ...ctx.frame,
      title: lang.t('emailVerifyTitle'),
      message: `${lang.t('verifyEmailMessage')} ${lang.t('emailVerifyInstruction1', user.email ?? '')}`,
    });
  },
  process: () => ({ done: false, html: '', status: 400 }),
};

export const requiredActionHandlers: Record<string, RequiredActionHandler> = {
  CONFIGURE_TOTP: configureTotp,
  UPDATE_PASSWORD: updatePassword,
  UPDATE_PROFILE: updateProfile,
  VERIFY_EMAIL: verifyEmail,
  delete_credential: deleteCredential,
};

/** The user's and the login's pending actions the realm has enabled, in priority order. */
export const pendingRequiredActions = (ctx: LoginContext, user: UserModel): string[] => {
  const wanted = new Set([...user.requiredActions, ...ctx.authSession.requiredActions]);
  return [...ctx.realm.requiredActions.values()]
    .filter((a) => a.enabled && wanted.has(a.alias) && requiredActionHandlers[a.alias])
    .sort((a, b) => a.priority - b.priority || a.name.localeCompare(b.name))
    .map((a) => a.alias);
};

export const completeRequiredAction = (ctx: LoginContext, user: UserModel, alias: string) => {
  user.requiredActions = user.requiredActions.filter((a) => a !== alias);
  ctx.authSession.requiredActions.delete(alias);
};
