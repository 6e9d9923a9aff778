/** What an authenticator or required action sees of the login in progress. */
import { recordEvent } from '../events/recorder.js';
import { type Lang, langFor } from '../i18n/lang.js';
import type { LocaleHints } from '../i18n/locale-selection.js';
import type { AuthSessionModel, ExecutionModel, RealmModel, UserModel } from '../state/model.js';
import type { EmulatorState } from '../state/store.js';
import { errorPage, realmTitleOf } from './pages.js';

/** The login's language notes: Keycloak's USER_REQUEST_LOCALE (`kc_locale`) and CLIENT_REQUEST_LOCALE (`ui_locales`). */
export const USER_REQUESTED = 'localeUserRequested';
export const CLIENT_REQUESTED = 'localeClientRequested';

export type Outcome =
  | { kind: 'success' }
  | { kind: 'attempted' }
  | { kind: 'challenge'; html: string; status?: number }
  | { kind: 'failure'; html: string; status?: number }
  /** ends this flow and starts the browser flow over in a new login of the tab, showing `info` (Keycloak's fork) */
  | { kind: 'restart'; info: string };

/**
 * What conditions ask of the flow engine. Declared here rather than imported, so the engine can depend
 * on this module without a loop; FlowEngine provides it.
 */
export interface FlowInspector {
  /** whether the user has configured what a subflow asks for (Condition - user configured) */
  flowConfigured(ctx: LoginContext, flowId: string): boolean;
}

export interface LoginRequest {
  state: EmulatorState;
  realm: RealmModel;
  authSession: AuthSessionModel;
  baseUrl: string;
  ipAddress: string;
  /** the form posted to an execution, if this request is a form post */
  posted?: { executionId: string; form: Record<string, string> };
  query: Record<string, string>;
  /** the flow engine, for conditions that look at a whole subflow */
  engine: FlowInspector;
  /** the SSO session named by the browser's identity cookie */
  ssoSessionId?: string;
  /** back-to-login link for the reset-credentials pages */
  loginUrl?: string;
  /** the request's cookie, Accept-Language and `kc_locale` pick */
  localeHints: LocaleHints;
  /** where the language menu sends the browser for a language (this page with `kc_locale`) */
  switchUrl?: (tag: string) => string;
}

export const loginActionsUrl = (
  baseUrl: string,
  realm: RealmModel,
  path: 'authenticate' | 'reset-credentials' | 'required-action',
  authSession: AuthSessionModel,
  extra: Record<string, string> = {},
) => {
  const params = new URLSearchParams({ ...extra, client_id: authSession.clientId, tab_id: authSession.tabId });
  return `${baseUrl}/realms/${encodeURIComponent(realm.name)}/login-actions/${path}?${params}`;
};

export class LoginContext {
  constructor(
    readonly request: LoginRequest,
    readonly execution?: ExecutionModel,
  ) {}

  get realm() {
    return this.request.realm;
  }

  get authSession() {
    return this.request.authSession;
  }

  get engine() {
    return this.request.engine;
  }

  get posted() {
    return this.request.posted;
  }

  get form(): Record<string, string> {
    return this.request.posted?.form ?? {};
  }

  get user(): UserModel | undefined {
    const id = this.authSession.userId;
    return id ? this.realm.users.get(id) : undefined;
  }

  setUser(user: UserModel | undefined) {
    if (user) this.authSession.userId = user.id;
    else delete this.authSession.userId;
  }

  withExecution(execution: ExecutionModel) {
    return new LoginContext(this.request, execution);
  }

  /** the execution's authenticator config, e.g. reset-otp's action_on_otp_reset_flag */
  get config(): Record<string, string> {
    const id = this.execution?.authenticatorConfigId;
    return (id && this.realm.authenticatorConfigs.get(id)?.config) || {};
  }

  get realmTitle() {
    return realmTitleOf(this.realm);
  }

  /** The page's language: this login's pick, the user's attribute, `ui_locales`, then the request's hints. */
  get lang(): Lang {
    const { notes } = this.authSession;
    const { localeHints, switchUrl } = this.request;
    const hints: LocaleHints = { ...localeHints };
    const picked = notes[USER_REQUESTED] ?? localeHints.userRequested;
    if (picked) hints.userRequested = picked;
    const attribute = this.user?.attributes.locale?.[0];
    if (attribute) hints.userAttribute = attribute;
    if (notes[CLIENT_REQUESTED]) hints.clientRequested = notes[CLIENT_REQUESTED];
    return langFor(this.realm, hints, switchUrl);
  }

  /** What every page of this login gets: the realm's name and the language. */
  get frame() {
    return { realmTitle: this.realmTitle, lang: this.lang };
  }

  /** where this execution's form posts */
  actionUrl(): string {
    const path = this.authSession.flow === 'reset-credentials' ? 'reset-credentials' : 'authenticate';
    return loginActionsUrl(this.request.baseUrl, this.realm, path, this.authSession, {
      session_code: this.authSession.tabId,
      ...(this.execution ? { execution: this.execution.id } : {}),
    });
  }

  /** the "Forgot Password?" link, when the realm allows password resets */
  resetUrl(): string | undefined {
    if (this.realm.settings.resetPasswordAllowed !== true) return undefined;
    const params = new URLSearchParams({ client_id: this.authSession.clientId, tab_id: this.authSession.tabId });
    return `${this.request.baseUrl}/realms/${encodeURIComponent(this.realm.name)}/login-actions/reset-credentials?${params}`;
  }

  /** who an emailed action link is for, continuing this login's tab */
  linkFor(user: UserModel) {
    const { realm, authSession } = this;
    const { baseUrl } = this.request;
    return { realm, user, baseUrl, clientId: authSession.clientId, tabId: authSession.tabId, lang: this.lang };
  }

  challenge(html: string, status = 200): Outcome {
    return { kind: 'challenge', html, status };
  }

  failure(message: string, status = 400): Outcome {
    return { kind: 'failure', html: errorPage({ ...this.frame, message }), status };
  }

  /** Records a user event with the details Keycloak puts on browser-flow events. */
  event(type: string, options: { error?: string; details?: Record<string, string>; userId?: string } = {}) {
    const user = this.user;
    const userId = options.userId ?? user?.id;
    recordEvent(this.realm, {
      type,
      clientId: this.authSession.clientId,
      ...(userId ? { userId } : {}),
      ipAddress: this.request.ipAddress,
      ...(options.error ? { error: options.error } : {}),
      details: {
        auth_method: 'openid-connect',
        auth_type: 'code',
        ...(this.authSession.redirectUri ? { redirect_uri: this.authSession.redirectUri } : {}),
        code_id: this.authSession.tabId,
        ...(user ? { username: user.username } : {}),
        ...options.details,
      },
    });
  }
}

/** The SSO session this browser already holds: the one the cookie authenticator reused, else the cookie's. */
export const browserSessionId = (ctx: LoginContext) => ctx.authSession.notes.ssoReused ?? ctx.request.ssoSessionId;
