/**
 * Emails with action-token links (execute-actions, verify-email, reset-credentials). The admin API asks
 * for one after validating a request; sending fails (rejects) when the realm has no usable SMTP server.
 */
import type { RealmModel, UserModel } from '../state/model.js';

export interface ActionEmailRequest {
  kind: 'execute-actions' | 'verify-email';
  realm: RealmModel;
  user: UserModel;
  actions: string[];
  lifespanSeconds: number;
  clientId: string;
  redirectUri?: string;
  /** the server's base URL, e.g. http://127.0.0.1:8080 */
  baseUrl: string;
  /** what the admin's request tells of a language: its KEYCLOAK_LOCALE cookie and Accept-Language */
  localeHints?: { cookie?: string; acceptLanguage?: string };
}

export interface ActionMailer {
  send(request: ActionEmailRequest): Promise<void>;
}

/** Until SMTP sending is wired in, a realm without an SMTP host fails like Keycloak does. */
export const smtpRequiredMailer: ActionMailer = {
  async send({ realm }) {
    const smtp = (realm.settings.smtpServer ?? {}) as Record<string, string>;
    if (!smtp.host) throw new Error('Please provide a valid address');
  },
};
