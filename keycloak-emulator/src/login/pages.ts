/**
 * The login pages end users see, server-rendered: plain forms with Keycloak's field names, element ids
 * and messages (keycloak.v2 theme), so a browser test reads like a person using Keycloak.
 */
import type { OtpPolicy } from '../otp/totp.js';
import type { RealmModel } from '../state/model.js';

/** The realm's name as its pages and emails show it. */
export const realmTitleOf = (realm: RealmModel) => String(realm.settings.displayName || realm.name);

const html = (value: unknown): string => String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

interface Layout {
  realmTitle: string;
  title: string;
  /** an error (red) or info (blue) message above the form */
  error?: string;
  info?: string;
  body: string;
}

const page = ({ realmTitle, title, error, info, body }: Layout): string => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${html(title)} - ${html(realmTitle)}</title>
<style>
body{font-family:system-ui,sans-serif;background:#f0f0f0;margin:0}
#kc-header{padding:24px;text-align:center;font-size:22px;color:#333}
.card{max-width:460px;margin:0 auto;background:#fff;padding:32px;border-top:4px solid #0066cc;box-shadow:0 2px 6px #0002}
h1{font-size:22px;margin:0 0 20px}
label{display:block;margin:14px 0 4px;font-weight:600}
input[type=text],input[type=password],input[type=email]{width:100%;box-sizing:border-box;padding:8px;font-size:16px}
input[type=submit],button{margin-top:20px;padding:9px 18px;font-size:16px;background:#0066cc;color:#fff;border:0;cursor:pointer}
.alert{padding:10px;margin-bottom:16px}.alert-error{background:#fbe9e9;color:#a30000}.alert-info{background:#e7f1fa;color:#004080}
.field-error{color:#a30000;font-size:14px}
ol li{margin:6px 0}.radio{margin:6px 0}
#kc-totp-secret-qr-code{display:block;margin:12px 0;width:200px;height:200px;image-rendering:pixelated}
</style>
</head>
<body>
<div id="kc-header"><div id="kc-header-wrapper">${html(realmTitle)}</div></div>
<div class="card">
<h1 id="kc-page-title">${html(title)}</h1>
${error ? `<div class="alert alert-error" role="alert"><span class="kc-feedback-text">${html(error)}</span></div>` : ''}
${info ? `<div class="alert alert-info" role="status"><span class="kc-feedback-text">${html(info)}</span></div>` : ''}
${body}
</div>
</body>
</html>`;

export interface LoginPageInput {
  realmTitle: string;
  action: string;
  resetUrl?: string;
  username?: string;
  error?: string;
  info?: string;
}

export const loginPage = (p: LoginPageInput) =>
  page({
    realmTitle: p.realmTitle,
    title: 'Sign in to your account',
    error: p.error,
    info: p.info,
    body: `<form id="kc-form-login" action="${html(p.action)}" method="post">
<label for="username">Username or email</label>
<input id="username" name="username" type="text" value="${html(p.username)}" autocomplete="username" autofocus ${p.error ? 'aria-invalid="true"' : ''}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" ${p.error ? 'aria-invalid="true"' : ''}>
${p.resetUrl ? `<div id="kc-form-options"><a tabindex="6" href="${html(p.resetUrl)}">Forgot Password?</a></div>` : ''}
<input type="hidden" id="id-hidden-input" name="credentialId">
<input tabindex="7" type="submit" name="login" id="kc-login" value="Sign In">
</form>`,
  });

export interface OtpDevice {
  id: string;
  label: string;
}

export const otpPage = (p: {
  realmTitle: string;
  action: string;
  devices: OtpDevice[];
  selectedId?: string;
  error?: string;
}) =>
  page({
    realmTitle: p.realmTitle,
    title: 'Sign in to your account',
    error: p.error,
    body: `<form id="kc-otp-login-form" action="${html(p.action)}" method="post">
${
  p.devices.length > 1
    ? `<fieldset id="kc-otp-credentials"><legend>Choose the authenticator</legend>${p.devices
        .map(
          (d, i) =>
            `<div class="radio"><input id="kc-otp-credential-${i}" type="radio" name="selectedCredentialId" value="${html(d.id)}" ${
              d.id === (p.selectedId ?? p.devices[0]?.id) ? 'checked' : ''
            }><label for="kc-otp-credential-${i}" style="display:inline">${html(d.label)}</label></div>`,
        )
        .join('\n')}</fieldset>`
    : `<input type="hidden" name="selectedCredentialId" value="${html(p.devices[0]?.id)}">`
}
<label for="otp">One-time code</label>
<input id="otp" name="otp" type="text" autocomplete="one-time-code" inputmode="numeric" autofocus ${p.error ? 'aria-invalid="true"' : ''}>
${p.error ? `<span id="input-error-otp-code" class="field-error" aria-live="polite">${html(p.error)}</span>` : ''}
<input type="submit" name="login" id="kc-login" value="Sign In">
</form>`,
  });

const APP_NAMES: Record<string, string> = {
  totpAppFreeOTPName: 'FreeOTP',
  totpAppGoogleName: 'Google Authenticator',
  totpAppMicrosoftAuthenticatorName: 'Microsoft Authenticator',
};

export interface TotpSetupInput {
  realmTitle: string;
  action: string;
  manualUrl: string;
  qrUrl: string;
  mode: 'manual' | 'qr';
  secret: string;
  groupedEncodedSecret: string;
  qrDataUrl: string;
  policy: OtpPolicy;
  supportedApplications: string[];
  error?: string;
  /** which field the error belongs to */
  errorField?: 'totp' | 'userLabel';
  userLabel?: string;
}

export const totpSetupPage = (p: TotpSetupInput) =>
  page({
    realmTitle: p.realmTitle,
    title: 'Mobile Authenticator Setup',
    error: p.error,
    body: `<ol id="kc-totp-settings">
<li><p>Install one of the following applications on your mobile:</p>
<ul id="kc-totp-supported-apps">${p.supportedApplications.map((a) => `<li>${html(APP_NAMES[a] ?? a)}</li>`).join('')}</ul></li>
${
  p.mode === 'manual'
    ? `<li><p>Open the application and enter the key:</p><p><span id="kc-totp-secret-key">${html(p.groupedEncodedSecret)}</span></p>
<p><a href="${html(p.qrUrl)}" id="mode-barcode">Scan barcode?</a></p></li>
<li><p>Use the following configuration values if the application allows setting them:</p>
<ul><li id="kc-totp-type">Type: ${p.policy.type === 'totp' ? 'Time-based' : 'Counter-based'}</li>
<li id="kc-totp-algorithm">Algorithm: ${html(p.policy.algorithm.replace(/^Hmac/, ''))}</li>
<li id="kc-totp-digits">Digits: ${p.policy.digits}</li>
<li id="kc-totp-period">Interval: ${p.policy.period}</li></ul></li>`
    : `<li><p>Open the application and scan the barcode:</p>
<img id="kc-totp-secret-qr-code" src="${p.qrDataUrl}" alt="Figure: Barcode">
<p><a href="${html(p.manualUrl)}" id="mode-manual">Unable to scan?</a></p></li>`
}
<li><p>Enter the one-time code provided by the application and click Submit to finish the setup.</p>
<p>Provide a Device Name to help you manage your OTP devices.</p></li>
</ol>
<form id="kc-totp-settings-form" action="${html(p.action)}" method="post">
<label for="totp">One-time code <span aria-hidden="true">*</span></label>
<input id="totp" name="totp" type="text" autocomplete="off" inputmode="numeric" ${p.errorField === 'totp' ? 'aria-invalid="true"' : ''}>
${p.errorField === 'totp' ? `<span id="input-error-otp-code" class="field-error">${html(p.error)}</span>` : ''}
<input type="hidden" id="totpSecret" name="totpSecret" value="${html(p.secret)}">
<input type="hidden" id="mode" name="mode" value="${p.mode === 'manual' ? 'manual' : ''}">
<label for="userLabel">Device Name</label>
<input id="userLabel" name="userLabel" type="text" autocomplete="off" value="${html(p.userLabel)}" ${p.errorField === 'userLabel' ? 'aria-invalid="true"' : ''}>
${p.errorField === 'userLabel' ? `<span id="input-error-otp-label" class="field-error">${html(p.error)}</span>` : ''}
<div><input type="checkbox" id="logout-sessions" name="logout-sessions" value="on" checked>
<label for="logout-sessions" style="display:inline">Sign out from other devices</label></div>
<input type="submit" id="saveTOTPBtn" value="Submit">
</form>`,
  });

export const updatePasswordPage = (p: { realmTitle: string; action: string; error?: string; info?: string }) =>
  page({
    realmTitle: p.realmTitle,
    title: 'Update password',
    error: p.error,
    info: p.info ?? 'You need to change your password.',
    body: `<form id="kc-passwd-update-form" action="${html(p.action)}" method="post">
<label for="password-new">New Password</label>
<input id="password-new" name="password-new" type="password" autocomplete="new-password" autofocus>
<label for="password-confirm">Confirm password</label>
<input id="password-confirm" name="password-confirm" type="password" autocomplete="new-password">
<div><input type="checkbox" id="logout-sessions" name="logout-sessions" value="on" checked>
<label for="logout-sessions" style="display:inline">Sign out from other devices</label></div>
<input type="submit" id="kc-submit" value="Submit">
</form>`,
  });

export const updateProfilePage = (p: {
  realmTitle: string;
  action: string;
  error?: string;
  values: { email?: string; firstName?: string; lastName?: string };
}) =>
  page({
    realmTitle: p.realmTitle,
    title: 'Update Account Information',
    error: p.error,
    body: `<form id="kc-update-profile-form" action="${html(p.action)}" method="post">
<label for="email">Email</label><input id="email" name="email" type="email" value="${html(p.values.email)}">
<label for="firstName">First name</label><input id="firstName" name="firstName" type="text" value="${html(p.values.firstName)}">
<label for="lastName">Last name</label><input id="lastName" name="lastName" type="text" value="${html(p.values.lastName)}">
<input type="submit" id="kc-submit" value="Submit">
</form>`,
  });

export const forgotPasswordPage = (p: {
  realmTitle: string;
  action: string;
  loginUrl?: string;
  error?: string;
  username?: string;
}) =>
  page({
    realmTitle: p.realmTitle,
    title: 'Forgot Your Password?',
    error: p.error,
    body: `<form id="kc-reset-password-form" action="${html(p.action)}" method="post">
<label for="username">Username or email</label>
<input id="username" name="username" type="text" autofocus value="${html(p.username)}">
${p.loginUrl ? `<div id="kc-form-options"><a href="${html(p.loginUrl)}">&laquo; Back to Login</a></div>` : ''}
<input type="submit" id="kc-submit" value="Submit">
</form>
<p id="kc-info">Enter your username or email address and we will send you instructions on how to create a new password.</p>`,
  });

export const chooseOtpToRemovePage = (p: { realmTitle: string; action: string; devices: OtpDevice[] }) =>
  page({
    realmTitle: p.realmTitle,
    title: 'Reset OTP',
    body: `<form id="kc-otp-reset-form" action="${html(p.action)}" method="post">
<p id="kc-otp-reset-form-description">Which OTP configuration should be removed?</p>
${p.devices
  .map(
    (d, i) =>
      `<div class="radio"><input id="kc-otp-credential-${i}" type="radio" name="selectedCredentialId" value="${html(d.id)}" ${i === 0 ? 'checked' : ''}><label for="kc-otp-credential-${i}" style="display:inline">${html(d.label)}</label></div>`,
  )
  .join('\n')}
<input type="submit" id="kc-otp-reset-form-submit" value="Submit">
</form>`,
  });

export const infoPage = (p: {
  realmTitle: string;
  title?: string;
  message: string;
  link?: { href: string; text: string };
}) =>
  page({
    realmTitle: p.realmTitle,
    title: p.title ?? p.message,
    info: p.title ? p.message : undefined,
    body: `<div id="kc-info-message"><p class="instruction">${html(p.message)}</p>${
      p.link ? `<p><a href="${html(p.link.href)}" id="kc-info-link">${html(p.link.text)}</a></p>` : ''
    }</div>`,
  });

/** Keycloak's "Logging out" page, shown when a logout request carries no id_token_hint. */
export const logoutConfirmPage = (p: { realmTitle: string; action: string; fields: Record<string, string> }) =>
  page({
    realmTitle: p.realmTitle,
    title: 'Logging out',
    body: `<div id="kc-logout-confirm" class="content-area"><p class="instruction">Do you want to log out?</p>
<form class="form-actions" action="${html(p.action)}" method="POST">
${Object.entries(p.fields)
  .map(([name, value]) => `<input type="hidden" name="${html(name)}" value="${html(value)}">`)
  .join('\n')}
<input type="submit" name="confirmLogout" id="kc-logout" value="Logout">
</form></div>`,
  });

export const errorPage = (p: { realmTitle: string; message: string; link?: { href: string; text: string } }) =>
  page({
    realmTitle: p.realmTitle,
    title: 'We are sorry...',
    error: p.message,
    body: `<div id="kc-error-message"><p class="instruction">${html(p.message)}</p>${
      p.link ? `<p><a id="backToApplication" href="${html(p.link.href)}">${html(p.link.text)}</a></p>` : ''
    }</div>`,
  });
