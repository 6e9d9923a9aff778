/**
 * The frame every login page shares, and the pieces keycloak.v2 builds its forms from: the alert above
 * the form (template.ftl, `.kc-feedback-text`) and the error under a field (field.ftl, `#input-error-<field>`).
 * The look is the emulator's own; ids and classes a test or a person relies on are Keycloak's.
 */
import { ENGLISH, type Lang } from '../i18n/lang.js';

export const html = (value: unknown): string => String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The message above the form; keycloak.v2 maps Keycloak's message types to these alert variants. */
export type AlertType = 'danger' | 'warning' | 'success' | 'info';

export interface Layout {
  realmTitle: string;
  /** the page's language and the realm's language menu (English without one) */
  lang?: Lang;
  title: string;
  alert?: { type: AlertType; text: string };
  body: string;
}

/** A field's error under it, as keycloak.v2's field.ftl renders it (`#input-error-<field>`). */
export const fieldError = (field: string, error?: string) =>
  error
    ? `<div id="input-error-${field}" class="field-error" aria-live="polite"><span>${html(error)}</span></div>`
    : '';

/** A field's error the way login-config-totp.ftl and login-update-password.ftl render theirs (own ids). */
export const spanError = (id: string, error?: string) =>
  error ? `<span id="${id}" class="field-error" aria-live="polite">${html(error)}</span>` : '';

export const invalid = (error?: string) => (error ? 'aria-invalid="true"' : '');

const alertOf = (alert: Layout['alert']) =>
  alert
    ? `<div class="pf-v5-c-alert pf-m-inline pf-m-${alert.type}" role="${alert.type === 'danger' ? 'alert' : 'status'}"><span class="pf-v5-c-alert__title kc-feedback-text">${html(alert.text)}</span></div>`
    : '';

export const danger = (text?: string) => (text ? { type: 'danger' as const, text } : undefined);

/**
 * template.ftl's language menu: `select#login-select-toggle` (aria-label "languages"), one option per
 * supported locale whose value is the page's URL with `kc_locale`; choosing one loads it. Keycloak wires
 * the change with an inline handler; the same behaviour here comes from a script block.
 */
const languageMenu = (lang: Lang) =>
  lang.choices.length > 1
    ? `<div class="kc-locale"><select id="login-select-toggle" aria-label="${html(lang.t('languages'))}">${lang.choices
        .map((c) => `<option value="${html(c.url)}"${c.tag === lang.tag ? ' selected' : ''}>${html(c.label)}</option>`)
        .join('')}</select></div>
<script>
document.getElementById('login-select-toggle').addEventListener('change', function (event) {
  if (event.target.value) window.location.href = event.target.value;
});
</script>`
    : '';

export const page = ({ realmTitle, lang = ENGLISH, title, alert, body }: Layout): string => `<!doctype html>
<html lang="${html(lang.tag)}" dir="ltr">
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
input[type=submit],button[type=submit]{margin-top:20px;padding:9px 18px;font-size:16px;background:#0066cc;color:#fff;border:0;cursor:pointer}
.pf-v5-c-alert{padding:10px;margin-bottom:16px}.pf-m-danger{background:#fbe9e9;color:#a30000}.pf-m-warning{background:#fdf4e5;color:#795600}
.pf-m-success{background:#f3faf2;color:#1e4f18}.pf-m-info{background:#e7f1fa;color:#004080}
.field-error{display:block;color:#a30000;font-size:14px}
ol li{margin:6px 0}.radio{margin:6px 0}
.kc-locale{float:right}
.kc-otp-credential{border:1px solid #ccc;padding:8px 12px;margin:6px 0;cursor:pointer}.kc-otp-credential.selected{border-color:#0066cc;background:#e7f1fa}
#kc-totp-secret-qr-code{display:block;margin:12px 0;width:200px;height:200px;image-rendering:pixelated}
</style>
</head>
<body>
<div id="kc-header"><div id="kc-header-wrapper">${html(realmTitle)}</div></div>
<div class="card">
${languageMenu(lang)}
<h1 id="kc-page-title">${html(title)}</h1>
${alertOf(alert)}
${body}
</div>
</body>
</html>`;
