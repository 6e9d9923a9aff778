/** Emails carrying action-token links: reset-credentials, execute-actions and verify-email. */
import type { ActionEmailRequest, ActionMailer } from '../email/action-mailer.js';
import { describeLifespan, sendRealmEmail } from '../email/smtp.js';
import { executeActionsEmail, resetCredentialsEmail, verifyEmailEmail } from '../email/templates.js';
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
}

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
  return sendRealmEmail(
    r.realm,
    resetCredentialsEmail(r.user.email ?? '', realmTitleOf(r.realm), url, describeLifespan(lifespan)),
  );
};

export const sendVerifyEmail = (r: Omit<LinkRequest, 'claims'>) => {
  const url = tokenLink({ ...r, claims: { typ: 'verify-email', eml: r.user.email } });
  return sendRealmEmail(
    r.realm,
    verifyEmailEmail(r.user.email ?? '', realmTitleOf(r.realm), url, describeLifespan(r.lifespanSeconds)),
  );
};

/** The admin API's execute-actions-email and send-verify-email, sent over the realm's SMTP server. */
export const smtpActionMailer: ActionMailer = {
  async send(request: ActionEmailRequest) {
    const base = {
      realm: request.realm,
      user: request.user,
      baseUrl: request.baseUrl,
      clientId: request.clientId,
      lifespanSeconds: request.lifespanSeconds,
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
      executeActionsEmail(
        request.user.email ?? '',
        realmTitleOf(request.realm),
        request.actions,
        url,
        describeLifespan(request.lifespanSeconds),
      ),
    );
  },
};
