/**
 * The login pages end users see, server-rendered with the element ids, field names, texts and structure of
 * Keycloak 26's default login theme (`keycloak.v2`: themes/src/main/resources/theme/keycloak.v2/login/*.ftl,
 * and the base theme for the pages keycloak.v2 does not override), so a test or a person finds things where
 * Keycloak has them. The look is the emulator's own.
 */
import { ENGLISH, type Lang } from '../i18n/lang.js';
import type { OtpPolicy } from '../otp/totp.js';
import type { RealmModel } from '../state/model.js';
import { danger, fieldError, html, invalid, type Layout, page, spanError } from './page-layout.js';

/** The realm's name as its pages and emails show it. */
export const realmTitleOf = (realm: RealmModel) => String(realm.settings.displayName || realm.name);

/**
 * The messages AbstractUsernameFormAuthenticator attaches to the `username` or `password` field; login.ftl
 * shows either under the username field (`#input-error-username`) and then no alert. Any other message
 * (a disabled account, an expired action) is an alert above the form.
 */
const CREDENTIAL_ERRORS = new Set([
  'Invalid username or password.',
  'Invalid username.',
  'Invalid password.',
  'Account is temporarily disabled; contact your administrator or retry later.',
]);

/** What every page gets: the realm's name and the page's language (English when not given). */
export interface PageBase {
  realmTitle: string;
  lang?: Lang;
}

const langOf = (p: PageBase) => p.lang ?? ENGLISH;

export interface LoginPageInput extends PageBase {
  action: string;
  resetUrl?: string;
  username?: string;
  error?: string;
  /** an info alert above the form */
  info?: string;
  /** a success alert above the form, e.g. "You should receive an email shortly with further instructions." */
  success?: string;
}

const signInAlert = (p: LoginPageInput, l: Lang): Layout['alert'] => {
  if (p.error && !CREDENTIAL_ERRORS.has(p.error)) return danger(l.text(p.error));
  if (p.success) return { type: 'success', text: l.text(p.success) };
  return p.info ? { type: 'info', text: l.text(p.info) } : undefined;
};

export const loginPage = (p: LoginPageInput) => {
  const l = langOf(p);
  const fieldErrorText = p.error && CREDENTIAL_ERRORS.has(p.error) ? l.text(p.error) : undefined;
  return page({
    ...p,
    title: l.t('loginAccountTitle'),
    alert: signInAlert(p, l),
    body: `<div id="kc-form"><div id="kc-form-wrapper">
<form id="kc-form-login" action="${html(p.action)}" method="post" novalidate="novalidate">
<label for="username">${l.t('usernameOrEmail')}</label>
<input id="username" name="username" type="text" value="${html(p.username)}" autocomplete="username" autofocus ${invalid(fieldErrorText)}>
${fieldError('username', fieldErrorText)}
<label for="password">${l.t('password')}</label>
<input id="password" name="password" type="password" autocomplete="current-password" ${invalid(fieldErrorText)}>
${p.resetUrl ? `<div><a href="${html(p.resetUrl)}">${l.t('doForgotPassword')}</a></div>` : ''}
<input type="hidden" id="id-hidden-input" name="credentialId">
<div><button id="kc-login" name="login" type="submit">${l.t('doLogIn')}</button></div>
</form>
</div></div>`,
  });
};

export interface OtpDevice {
  id: string;
  label: string;
}

/**
 * login-otp.ftl's device chooser: each device a clickable `div#kc-otp-credential-N` (its label in a span)
 * whose click copies the device id into the hidden `#selectedCredentialId`. Keycloak does it with inline
 * script, allowed by its default Content-Security-Policy (frame-src, frame-ancestors, object-src only),
 * which the emulator sends too; this script only wires the same behaviour without inline handlers.
 */
const OTP_CHOOSER_SCRIPT = `<script>
document.querySelectorAll('[id^="kc-otp-credential-"]').forEach(function (item) {
  item.addEventListener('click', function () {
    document.getElementById('selectedCredentialId').value = item.getAttribute('data-credential-id');
    document.querySelectorAll('.kc-otp-credential.selected').forEach(function (other) { other.classList.remove('selected'); });
    item.classList.add('selected');
  });
});
</script>`;

const otpChooser = (devices: OtpDevice[], selectedId: string) =>
  `<div class="kc-otp-credentials-list">${devices
    .map(
      (d, i) =>
        `<div id="kc-otp-credential-${i}" class="kc-otp-credential${d.id === selectedId ? ' selected' : ''}" data-credential-id="${html(d.id)}"><span class="kc-otp-credential-title">${html(d.label)}</span></div>`,
    )
    .join('\n')}</div>`;

export const otpPage = (
  p: PageBase & {
    action: string;
    devices: OtpDevice[];
    selectedId?: string;
    error?: string;
  },
) => {
  const l = langOf(p);
  const selectedId = p.selectedId ?? p.devices[0]?.id ?? '';
  const several = p.devices.length > 1;
  // The error belongs to the code field (Validation.FIELD_OTP_CODE): shown under it, not as an alert.
  return page({
    ...p,
    title: l.t('doLogIn'),
    body: `<form id="kc-otp-login-form" action="${html(p.action)}" method="post">
<input id="selectedCredentialId" type="hidden" name="selectedCredentialId" value="${html(selectedId)}">
${several ? otpChooser(p.devices, selectedId) : ''}
<label for="otp">${l.t('loginOtpOneTime')}</label>
<input id="otp" name="otp" type="text" autocomplete="one-time-code" autofocus ${invalid(p.error)}>
${fieldError('otp', p.error && l.text(p.error))}
<div><button id="kc-login" name="login" type="submit">${l.t('doLogIn')}</button></div>
</form>
${several ? OTP_CHOOSER_SCRIPT : ''}`,
  });
};

const APP_NAMES: Record<string, string> = {
  totpAppFreeOTPName: 'FreeOTP',
  totpAppGoogleName: 'Google Authenticator',
  totpAppMicrosoftAuthenticatorName: 'Microsoft Authenticator',
};

export interface TotpSetupInput extends PageBase {
  action: string;
  manualUrl: string;
  qrUrl: string;
  mode: 'manual' | 'qr';
  secret: string;
  groupedEncodedSecret: string;
  qrDataUrl: string;
  policy: OtpPolicy & { initialCounter?: number };
  supportedApplications: string[];
  error?: string;
  /** which field the error belongs to */
  errorField?: 'totp' | 'userLabel';
  /** set up from the application (kc_action): Keycloak then leaves the warning out */
  appInitiated?: boolean;
}

const totpPolicyItems = (
  policy: TotpSetupInput['policy'],
  l: Lang,
) => `<ul><li id="kc-totp-type">${l.t('loginTotpType')}: ${l.t(policy.type === 'hotp' ? 'loginTotp.hotp' : 'loginTotp.totp')}</li>
<li id="kc-totp-algorithm">${l.t('loginTotpAlgorithm')}: ${html(policy.algorithm.replace(/^Hmac/, ''))}</li>
<li id="kc-totp-digits">${l.t('loginTotpDigits')}: ${policy.digits}</li>
${
  policy.type === 'hotp'
    ? `<li id="kc-totp-counter">${l.t('loginTotpCounter')}: ${policy.initialCounter ?? 0}</li>`
    : `<li id="kc-totp-period">${l.t('loginTotpInterval')}: ${policy.period}</li>`
}</ul>`;

/** Step 2 of login-config-totp.ftl: the QR code, or the key and the policy ("Unable to scan?"). */
const totpKeySteps = (p: TotpSetupInput, l: Lang) =>
  p.mode === 'manual'
    ? `<li><p>${l.t('loginTotpManualStep2')}</p><p><span id="kc-totp-secret-key">${html(p.groupedEncodedSecret)}</span></p>
<p><a href="${html(p.qrUrl)}" id="mode-barcode">${l.t('loginTotpScanBarcode')}</a></p></li>
<li><p>${l.t('loginTotpManualStep3')}</p>
${totpPolicyItems(p.policy, l)}</li>`
    : `<li><p>${l.t('loginTotpStep2')}</p>
<img id="kc-totp-secret-qr-code" src="${p.qrDataUrl}" alt="Figure: Barcode">
<p><a href="${html(p.manualUrl)}" id="mode-manual">${l.t('loginTotpUnableToScan')}</a></p></li>`;

const totpAlert = (p: TotpSetupInput, l: Lang): Layout['alert'] => {
  if (p.error && !p.errorField) return danger(l.text(p.error));
  if (p.error || p.appInitiated) return undefined;
  return { type: 'warning', text: l.t('configureTotpMessage') };
};

export const totpSetupPage = (p: TotpSetupInput) => {
  const l = langOf(p);
  const shown = p.error && l.text(p.error);
  const codeError = p.errorField === 'totp' ? shown : undefined;
  const labelError = p.errorField === 'userLabel' ? shown : undefined;
  return page({
    ...p,
    title: l.t('loginTotpTitle'),
    alert: totpAlert(p, l),
    body: `<ol id="kc-totp-settings">
<li><p>${l.t('loginTotpStep1')}</p>
<ul id="kc-totp-supported-apps">${p.supportedApplications.map((a) => `<li>${html(APP_NAMES[a] ?? a)}</li>`).join('')}</ul></li>
${totpKeySteps(p, l)}
<li><p>${l.t('loginTotpStep3')}</p>
<p>${l.t('loginTotpStep3DeviceName')}</p></li>
</ol>
<form id="kc-totp-settings-form" action="${html(p.action)}" method="post" novalidate="novalidate">
<label for="totp">${l.t('authenticatorCode')} <span aria-hidden="true">*</span></label>
<input id="totp" name="totp" type="text" autocomplete="off" required ${invalid(codeError)}>
${spanError('input-error-otp-code', codeError)}
<input type="hidden" id="totpSecret" name="totpSecret" value="${html(p.secret)}">
${p.mode === 'manual' ? '<input type="hidden" id="mode" name="mode" value="manual">' : ''}
<label for="userLabel">${l.t('loginTotpDeviceName')}</label>
<input id="userLabel" name="userLabel" type="text" autocomplete="off" ${invalid(labelError)}>
${spanError('input-error-otp-label', labelError)}
<div id="kc-form-options"><input type="checkbox" id="logout-sessions" name="logout-sessions" value="on" checked>
<label for="logout-sessions" style="display:inline">${l.t('logoutOtherSessions')}</label></div>
<div><input type="submit" id="saveTOTPBtn" value="${l.t('doSubmit')}">${p.appInitiated ? `\n<button type="submit" id="cancelTOTPBtn" name="cancel-aia" value="true" formnovalidate>${l.t('doCancel')}</button>` : ''}</div>
</form>`,
  });
};

/** UpdatePassword puts a mismatch on `password-confirm`, every other problem on `password`. */
const passwordErrorField = (error: string) => (error === "Passwords don't match." ? 'password-confirm' : 'password');

/** The warning is Messages.RESET_PASSWORD ("You need to change your password.") unless another is given. */
export const updatePasswordPage = (p: PageBase & { action: string; error?: string; info?: string }) => {
  const l = langOf(p);
  const errorField = p.error ? passwordErrorField(p.error) : undefined;
  const shown = p.error && l.text(p.error);
  const newError = errorField === 'password' ? shown : undefined;
  const confirmError = errorField === 'password-confirm' ? shown : undefined;
  return page({
    ...p,
    title: l.t('updatePasswordTitle'),
    alert: p.error ? undefined : { type: 'warning', text: p.info ? l.text(p.info) : l.t('resetPasswordMessage') },
    body: `<form id="kc-passwd-update-form" action="${html(p.action)}" method="post">
<label for="password-new">${l.t('passwordNew')}</label>
<input id="password-new" name="password-new" type="password" autocomplete="new-password" autofocus ${invalid(p.error)}>
${spanError('input-error-password', newError)}
<label for="password-confirm">${l.t('passwordConfirm')}</label>
<input id="password-confirm" name="password-confirm" type="password" autocomplete="new-password" ${invalid(confirmError)}>
${spanError('input-error-password-confirm', confirmError)}
<div id="kc-form-options"><input type="checkbox" id="logout-sessions" name="logout-sessions" value="on" checked>
<label for="logout-sessions" style="display:inline">${l.t('logoutOtherSessions')}</label></div>
<div id="kc-form-buttons"><input type="submit" value="${l.t('doSubmit')}"></div>
</form>`,
  });
};

export const updateProfilePage = (
  p: PageBase & { action: string; error?: string; values: { email?: string; firstName?: string; lastName?: string } },
) => {
  const l = langOf(p);
  return page({
    ...p,
    title: l.t('loginProfileTitle'),
    alert: danger(p.error && l.text(p.error)),
    body: `<form id="kc-update-profile-form" action="${html(p.action)}" method="post">
<label for="email">${l.t('email')}</label><input id="email" name="email" type="email" value="${html(p.values.email)}">
<label for="firstName">${l.t('firstName')}</label><input id="firstName" name="firstName" type="text" value="${html(p.values.firstName)}">
<label for="lastName">${l.t('lastName')}</label><input id="lastName" name="lastName" type="text" value="${html(p.values.lastName)}">
<div id="kc-form-buttons"><input type="submit" value="${l.t('doSubmit')}"></div>
</form>`,
  });
};

/** login-reset-password.ftl: the username field (its error under it), a submit `<button>`, "« Back to Login". */
export const forgotPasswordPage = (
  p: PageBase & { action: string; loginUrl?: string; error?: string; username?: string },
) => {
  const l = langOf(p);
  return page({
    ...p,
    title: l.t('emailForgotTitle'),
    body: `<form id="kc-reset-password-form" action="${html(p.action)}" method="post">
<label for="username">${l.t('usernameOrEmail')}</label>
<input id="username" name="username" type="text" value="${html(p.username)}" autocomplete="off" ${invalid(p.error)}>
${fieldError('username', p.error && l.text(p.error))}
<div><button id="kc-form-buttons" type="submit">${l.t('doSubmit')}</button>
${p.loginUrl ? `<a href="${html(p.loginUrl)}">${html(l.t('backToLogin'))}</a>` : ''}</div>
</form>
<div id="kc-info"><div id="kc-info-wrapper">${l.t('emailInstruction')}</div></div>`,
  });
};

/** The base theme's login-reset-otp.ftl (keycloak.v2 does not override it): radios with labels. */
export const chooseOtpToRemovePage = (p: PageBase & { action: string; devices: OtpDevice[] }) => {
  const l = langOf(p);
  return page({
    ...p,
    title: l.t('doLogIn'),
    body: `<form id="kc-otp-reset-form" action="${html(p.action)}" method="post">
<p id="kc-otp-reset-form-description">${l.t('otp-reset-description')}</p>
${p.devices
  .map(
    (d, i) =>
      `<div class="radio"><input id="kc-otp-credential-${i}" type="radio" name="selectedCredentialId" value="${html(d.id)}" ${i === 0 ? 'checked' : ''}><label for="kc-otp-credential-${i}" style="display:inline">${html(d.label)}</label></div>`,
  )
  .join('\n')}
<div id="kc-form-buttons"><input type="submit" id="kc-otp-reset-form-submit" value="${l.t('doSubmit')}"></div>
</form>`,
  });
};

type PageLink = { href: string; text: string };

/** The base theme's info.ftl: no alert; the message (and a link without an id) in `#kc-info-message`. */
export const infoPage = (p: PageBase & { title?: string; message: string; link?: PageLink }) => {
  const l = langOf(p);
  const message = l.text(p.message);
  return page({
    ...p,
    title: p.title ? l.text(p.title) : message,
    body: `<div id="kc-info-message"><p class="instruction">${html(message)}</p>${
      p.link ? `<p><a href="${html(p.link.href)}">${html(l.text(p.link.text))}</a></p>` : ''
    }</div>`,
  });
};

/** Keycloak's "Logging out" page, shown when a logout request carries no id_token_hint. */
export const logoutConfirmPage = (p: PageBase & { action: string; fields: Record<string, string> }) => {
  const l = langOf(p);
  return page({
    ...p,
    title: l.t('logoutConfirmTitle'),
    body: `<div id="kc-logout-confirm" class="content-area"><p class="instruction">${l.t('logoutConfirmHeader')}</p>
<form class="form-actions" action="${html(p.action)}" method="POST">
${Object.entries(p.fields)
  .map(([name, value]) => `<input type="hidden" name="${html(name)}" value="${html(value)}">`)
  .join('\n')}
<input type="submit" name="confirmLogout" id="kc-logout" value="${l.t('doLogout')}">
</form></div>`,
  });
};

/** The base theme's error.ftl: "We are sorry...", the message in `#kc-error-message`, no alert. */
export const errorPage = (p: PageBase & { message: string; link?: PageLink }) => {
  const l = langOf(p);
  return page({
    ...p,
    title: l.t('errorTitle'),
    body: `<div id="kc-error-message"><p class="instruction">${html(l.text(p.message))}</p>${
      p.link ? `<p><a id="backToApplication" href="${html(p.link.href)}">${html(l.text(p.link.text))}</a></p>` : ''
    }</div>`,
  });
};
