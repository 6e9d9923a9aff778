/** Emails carrying action-token links: reset-credentials, execute-actions and verify-email. */
import type { ActionEmailRequest, ActionMailer } from '../email/action-mailer.js';
import { sendRealmEmail } from '../email/smtp.js';
import { executeActionsEmail, resetCredentialsEmail, verifyEmailEmail } from '../email/templates.js';
import { type Lang, langFor } from '../i18n/lang.js';
import type { RealmModel, UserModel } from '../state/model.js';
import { type ActionTokenClaims, signActionToken, userActionTokenLifespan } from './action-tokens.js';
import { realmTitleOf } from './pages.js';

/**
 * An action-token link. `client_id` and `tab_id` name the login it continues; a link an admin sends
 * belongs to no login and carries the key only (UserResource uses LoginActionsService.actionTokenProcessor).
 */
export const actionTokenUrl = (baseUrl: string, realm: RealmModel, token: string, login?: LinkedLogin) => {
  const params = new URLSearchParams({
    key: token,
    ...(login ? { client_id: login.clientId, tab_id: login.tabId } : {}),
  });
  return `${baseUrl}/realms/${encodeURIComponent(realm.name)}/login-actions/action-token?${params}`;
};

export interface LinkedLogin {
  clientId: string;
  tabId: string;
}

interface LinkRequest {
  realm: RealmModel;
  user: UserModel;
  baseUrl: string;
  clientId: string;
  lifespanSeconds: number;
  claims: Omit<ActionTokenClaims, 'jti' | 'exp' | 'sub' | 'azp'>;
  /** the tab of the login this link continues, if any */
  tabId?: string;
  /** the email's language (Keycloak's resolveLocale(user) in the request that sends it) */
  lang?: Lang;
}

const emailTo = (r: Pick<LinkRequest, 'realm' | 'user' | 'lang'>, link: string, lifespanSeconds: number) => ({
  to: r.user.email ?? '',
  realmTitle: realmTitleOf(r.realm),
  link,
  lifespanSeconds,
  ...(r.lang ? { lang: r.lang } : {}),
});

const tokenLink = (r: LinkRequest) => {
  const token = signActionToken(
    r.realm,
    r.baseUrl,
    { ...r.claims, sub: r.user.id, azp: r.clientId },
    r.lifespanSeconds,
  );
  return actionTokenUrl(r.baseUrl, r.realm, token, r.tabId ? { clientId: r.clientId, tabId: r.tabId } : undefined);
};

export const sendResetCredentialsEmail = (r: Omit<LinkRequest, 'claims' | 'lifespanSeconds'> & { asid: string }) => {
  const lifespan = userActionTokenLifespan(r.realm, 'reset-credentials');
  const url = tokenLink({ ...r, lifespanSeconds: lifespan, claims: { typ: 'reset-credentials', asid: r.asid } });
  return sendRealmEmail(r.realm, resetCredentialsEmail(emailTo(r, url, lifespan)));
};

export const sendVerifyEmail = (r: Omit<LinkRequest, 'claims'>) => {
  const url = tokenLink({ ...r, claims: { typ: 'verify-email', eml: r.user.email } });
  return sendRealmEmail(r.realm, verifyEmailEmail(emailTo(r, url, r.lifespanSeconds)));
};

/** The admin API's execute-actions-email and send-verify-email, sent over the realm's SMTP server. */
export const smtpActionMailer: ActionMailer = {
  async send(request: ActionEmailRequest) {
    // An admin's request has no login: the user's attribute, then the request's cookie and Accept-Language.
    const lang = langFor(request.realm, {
      userAttribute: request.user.attributes.locale?.[0],
      ...request.localeHints,
    });
    const base = {
      realm: request.realm,
      user: request.user,
      baseUrl: request.baseUrl,
      clientId: request.clientId,
      lifespanSeconds: request.lifespanSeconds,
      lang,
    };
    if (request.kind === 'verify-email') {
      await sendVerifyEmail(base);
      return;
    }
    const url = tokenLink({
      ...base,
      claims: {
        typ: 'execute-actions',
        rda: request.actions,
        ...(request.redirectUri ? { reduri: request.redirectUri } : {}),
      },
    });
    await sendRealmEmail(
      request.realm,
      executeActionsEmail({ ...emailTo(base, url, request.lifespanSeconds), actions: request.actions }),
    );
  },
};
