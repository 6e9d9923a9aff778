/**
 * The emulator's in-memory model of Keycloak. These are storage shapes, not wire shapes: each admin
 * resource module turns them into Keycloak's representations, so storage can stay compact (a realm of
 * 100k users must fit comfortably in memory).
 */
import type { KeyObject } from 'node:crypto';

export type Requirement = 'REQUIRED' | 'ALTERNATIVE' | 'CONDITIONAL' | 'DISABLED';

export interface CredentialModel {
  id: string;
  type: string; // 'password' | 'otp' | ...
  userLabel?: string;
  createdDate: number;
  /** JSON string exactly as Keycloak stores it (shown by the admin API). */
  credentialData: string;
  /** JSON string; never leaves the emulator through the admin API. */
  secretData: string;
  priority: number;
}

export interface UserModel {
  id: string;
  username: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  emailVerified: boolean;
  enabled: boolean;
  createdTimestamp: number;
  notBefore: number;
  requiredActions: string[];
  attributes: Record<string, string[]>;
  credentials: CredentialModel[];
  groupIds: Set<string>;
  realmRoleIds: Set<string>;
  /** client uuid → role ids */
  clientRoleIds: Map<string, Set<string>>;
  /** set for the user behind a client's service account */
  serviceAccountClientId?: string;
  federationLink?: string;
}

export interface RoleModel {
  id: string;
  name: string;
  description?: string;
  composite: boolean;
  clientRole: boolean;
  /** realm id, or client uuid for client roles */
  containerId: string;
  compositeIds: Set<string>;
  attributes: Record<string, string[]>;
}

/** A protocol mapper on a client or a client scope; `config` values are strings as in Keycloak. */
export interface ProtocolMapperModel {
  id: string;
  name: string;
  protocol: string;
  protocolMapper: string;
  config: Record<string, string>;
}

/** Roles a client or client scope lets into tokens (its scope mappings). */
export interface ScopeMappings {
  realmRoleIds: Set<string>;
  clientRoleIds: Map<string, Set<string>>;
}

export interface ClientScopeModel {
  id: string;
  name: string;
  description?: string;
  protocol: string;
  attributes: Record<string, string>;
  protocolMappers: ProtocolMapperModel[];
  scopeMappings: ScopeMappings;
}

export interface ClientModel {
  id: string;
  clientId: string;
  name?: string;
  description?: string;
  enabled: boolean;
  publicClient: boolean;
  bearerOnly: boolean;
  secret?: string;
  protocol: string;
  clientAuthenticatorType: string;
  standardFlowEnabled: boolean;
  implicitFlowEnabled: boolean;
  directAccessGrantsEnabled: boolean;
  serviceAccountsEnabled: boolean;
  frontchannelLogout: boolean;
  fullScopeAllowed: boolean;
  consentRequired: boolean;
  alwaysDisplayInConsole: boolean;
  surrogateAuthRequired: boolean;
  rootUrl?: string;
  baseUrl?: string;
  adminUrl?: string;
  redirectUris: string[];
  webOrigins: string[];
  attributes: Record<string, string>;
  /** names of the client scopes always applied, and of those applied when the `scope` parameter asks */
  defaultClientScopes: string[];
  optionalClientScopes: string[];
  protocolMappers: ProtocolMapperModel[];
  scopeMappings: ScopeMappings;
  nodeReRegistrationTimeout: number;
  notBefore: number;
  /** role name → role */
  roles: Map<string, RoleModel>;
  serviceAccountUserId?: string;
}

export interface GroupModel {
  id: string;
  name: string;
  description?: string;
  parentId?: string;
  attributes: Record<string, string[]>;
  realmRoleIds: Set<string>;
  clientRoleIds: Map<string, Set<string>>;
}

export interface FlowModel {
  id: string;
  alias: string;
  description: string;
  providerId: 'basic-flow' | 'client-flow' | 'form-flow';
  topLevel: boolean;
  builtIn: boolean;
}

export interface ExecutionModel {
  id: string;
  /** the flow this execution belongs to */
  parentFlowId: string;
  /** authenticator provider id; for a subflow, the form provider (if any) */
  authenticator?: string;
  /** id of the subflow when this execution is a flow */
  flowId?: string;
  requirement: Requirement;
  priority: number;
  authenticatorConfigId?: string;
}

export interface AuthenticatorConfigModel {
  id: string;
  alias: string;
  config: Record<string, string>;
}

export interface RequiredActionModel {
  alias: string;
  name: string;
  providerId: string;
  enabled: boolean;
  defaultAction: boolean;
  priority: number;
  config: Record<string, string>;
}

export interface EventModel {
  id: string;
  time: number;
  type: string;
  realmId: string;
  clientId?: string;
  userId?: string;
  sessionId?: string;
  ipAddress?: string;
  error?: string;
  details?: Record<string, string>;
}

export interface AdminEventModel {
  id: string;
  time: number;
  realmId: string;
  authDetails: { realmId: string; clientId?: string; userId?: string; ipAddress?: string };
  operationType: 'CREATE' | 'UPDATE' | 'DELETE' | 'ACTION';
  resourceType: string;
  resourcePath: string;
  representation?: string;
  error?: string;
  details?: Record<string, string>;
}

export interface BruteForceRecord {
  numFailures: number;
  lastFailure: number;
  lastIPFailure: string;
  /** epoch ms until which the user is temporarily locked; 0 = not locked */
  lockedUntil: number;
  /** temporary lockouts since the last success (counts towards `maxTemporaryLockouts`) */
  numTemporaryLockouts?: number;
  permanentlyLocked: boolean;
}

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** secret for refresh tokens, which Keycloak signs with an HMAC key */
  hmacSecret: Buffer;
  hmacKid: string;
}

/** A user session (SSO session); tokens carry its id as `sid`. */
export interface SessionModel {
  id: string;
  userId: string;
  started: number;
  /** when (epoch ms) the user last signed in with their credentials, not through SSO: the AUTH_TIME note */
  authTime?: number;
  lastAccess: number;
  ipAddress: string;
  /** ids of the executions the login completed (the AMR mapper reads their reference values) */
  authenticatorsCompleted?: string[];
  /** execution id → when (epoch s) a browser sign-in completed it (AUTHENTICATORS_COMPLETED): amr ages out */
  authenticatorsCompletedAt?: Record<string, number>;
  /** levels of authentication reached in this session → when (epoch s): Keycloak's LOA_MAP user-session note */
  loaMap?: Record<string, number>;
  /** clientId → the level its last sign-in reached (-1: none) and whether it reused the SSO session (for `acr`) */
  clientLoa?: Record<string, { level: number; sso: boolean }>;
  /** clientId → when the client joined the session */
  clients: Map<string, number>;
}

/**
 * A browser login in progress (Keycloak's authentication session, one per tab): what the client asked
 * for, which user the flow has identified, which executions are done and which required actions remain.
 */
export interface AuthSessionModel {
  tabId: string;
  /** the AUTH_SESSION_ID cookie value shared by a browser's tabs */
  rootId: string;
  clientId: string;
  redirectUri?: string;
  state?: string;
  nonce?: string;
  scope?: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
  /** which top-level flow runs: the realm's browser flow or its reset-credentials flow */
  flow: 'browser' | 'reset-credentials' | 'actions';
  userId?: string;
  /** executions that have succeeded */
  completed: Set<string>;
  /** required actions added by authenticators (on top of the user's own) */
  requiredActions: Set<string>;
  /** small values authenticators keep between requests */
  notes: Record<string, string>;
  createdAt: number;
}

export interface AuthCodeModel {
  code: string;
  sessionId: string;
  userId: string;
  clientId: string;
  redirectUri: string;
  scope?: string;
  nonce?: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
  expiresAt: number;
}

/** One realm's whole state. `settings` holds the scalar RealmRepresentation fields. */
export interface RealmModel {
  id: string;
  name: string;
  settings: Record<string, unknown>;
  clients: Map<string, ClientModel>; // by uuid
  roles: Map<string, RoleModel>; // realm roles by name
  users: Map<string, UserModel>; // by id
  usersByUsername: Map<string, UserModel>;
  usersByEmail: Map<string, UserModel>;
  groups: Map<string, GroupModel>;
  flows: Map<string, FlowModel>; // by id
  executions: Map<string, ExecutionModel>; // by id
  authenticatorConfigs: Map<string, AuthenticatorConfigModel>;
  requiredActions: Map<string, RequiredActionModel>; // by alias
  events: EventModel[];
  adminEvents: AdminEventModel[];
  bruteForce: Map<string, BruteForceRecord>; // by user id
  userProfile: Record<string, unknown>;
  /** client scopes by id; the realm's default and optional scope lists hold their names */
  clientScopes: Map<string, ClientScopeModel>;
  defaultDefaultClientScopes: string[];
  defaultOptionalClientScopes: string[];
  /** ids of the groups every new user joins */
  defaultGroupIds: Set<string>;
  sessions: Map<string, SessionModel>;
  /** offline sessions (scope `offline_access`), kept apart from the online ones under the same ids */
  offlineSessions: Map<string, SessionModel>;
  /** browser logins in progress, by tab id */
  authSessions: Map<string, AuthSessionModel>;
  /** authorization codes waiting to be exchanged at the token endpoint (single use) */
  authCodes: Map<string, AuthCodeModel>;
  /** action tokens already used (jti → expiry, epoch ms): they are single-use */
  usedActionTokens: Map<string, number>;
  /** `{credentialId}.{code}` → epoch ms until which that accepted TOTP code is refused (code reuse protection) */
  usedOtpCodes: Map<string, number>;
  keys?: SigningKey;
  /** user ids sorted by username; rebuilt lazily after writes (bulk imports stay O(n log n)) */
  sortedUserIds?: string[];
}
