/** Emails carrying action-token links: reset-credentials, execute-actions and verify-email. */
import { randomUUID } from 'node:crypto';
import type { ActionEmailRequest, ActionMailer } from '../email/action-mailer.js';
import { describeLifespan, sendRealmEmail } from '../email/smtp.js';
import { executeActionsEmail, resetCredentialsEmail, verifyEmailEmail } from '../email/templates.js';
import type { RealmModel, UserModel } from '../state/model.js';
import { type ActionTokenClaims, signActionToken } from './action-tokens.js';
import { realmTitleOf } from './pages.js';

const link = (baseUrl: string, realm: RealmModel, token: string, clientId: string, tabId: string) => {
  const params = new URLSearchParams({ key: token, client_id: clientId, tab_id: tabId });
  return `${baseUrl}/realms/${encodeURIComponent(realm.name)}/login-actions/action-token?${params}`;
};

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
  return link(r.baseUrl, r.realm, token, r.clientId, r.tabId ?? randomUUID().slice(0, 11));
};

export const sendResetCredentialsEmail = (r: Omit<LinkRequest, 'claims' | 'lifespanSeconds'> & { asid: string }) => {
  const lifespan = Number(r.realm.settings.actionTokenGeneratedByUserLifespan ?? 300);
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
