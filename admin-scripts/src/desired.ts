/**
 * What a realm should look like under its realm.yaml — pure functions, no I/O. Flows are described as
 * steps (level, provider or subflow, requirement, config) derived from the live built-in flow, so the
 * same file works across Keycloak 26 releases whose built-in flows differ in detail.
 */
import { OTP_APPS, type RealmFile } from '../../realm-files/src/index.js';

export interface FlowStep {
  level: number;
  /** authenticator provider id, or `flow` for a subflow */
  provider: string;
  requirement: string;
  /** the authenticator config this step must carry */
  config?: Record<string, string>;
  /** a subflow realm.yaml adds (absent from the built-in flow), with its alias suffix */
  added?: string;
}

export interface ExecutionRow {
  level?: number;
  providerId?: string;
  authenticationFlow?: boolean;
  requirement?: string;
  authenticationConfig?: string;
}

export const stepsOf = (rows: ExecutionRow[], configs: Map<string, Record<string, string>> = new Map()): FlowStep[] =>
  rows.map((row) => {
    const config = row.authenticationConfig ? configs.get(row.authenticationConfig) : undefined;
    return {
      level: row.level ?? 0,
      provider: row.authenticationFlow ? 'flow' : (row.providerId ?? '?'),
      requirement: row.requirement ?? 'DISABLED',
      ...(config ? { config } : {}),
    };
  });

/** The index of the subflow step that directly holds the step at `index`. */
export const parentIndex = (steps: FlowStep[], index: number): number => {
  const level = steps[index]?.level ?? 0;
  for (let i = index - 1; i >= 0; i--) if (steps[i]?.level === level - 1) return i;
  return -1;
};

/** The steps below a subflow step (its whole subtree). */
const subtree = (steps: FlowStep[], index: number): number[] => {
  const level = steps[index]?.level ?? 0;
  const out: number[] = [];
  for (let i = index + 1; i < steps.length && (steps[i]?.level ?? 0) > level; i++) out.push(i);
  return out;
};

const isCondition = (provider: string) => provider.startsWith('conditional-');

/**
 * Browser flow. `conditional` keeps Keycloak's conditional 2FA: users with a device give a code; the
 * sidecar makes setup mandatory by its enforcement policy. `required`: the 2FA subflow and the OTP form become
 * REQUIRED and its conditions are switched off, so a user without a device must set one up at login.
 */
export const desiredBrowserSteps = (builtIn: FlowStep[], otp: RealmFile['browserFlow']['otp']): FlowStep[] => {
  const steps = builtIn.map((s) => ({ ...s }));
  if (otp === 'conditional') return steps;
  const otpIndex = steps.findIndex((s) => s.provider === 'auth-otp-form');
  if (otpIndex < 0) throw new Error('the built-in browser flow has no OTP form');
  const parent = parentIndex(steps, otpIndex);
  const otpStep = steps[otpIndex] as FlowStep;
  otpStep.requirement = 'REQUIRED';
  if (parent >= 0) {
    (steps[parent] as FlowStep).requirement = 'REQUIRED';
    for (const i of subtree(steps, parent)) {
      const step = steps[i] as FlowStep;
      if (step.level === otpStep.level && isCondition(step.provider)) step.requirement = 'DISABLED';
    }
  }
  return steps;
};

const sameConfig = (a?: Record<string, string>, b?: Record<string, string>) =>
  JSON.stringify(Object.entries(a ?? {}).sort()) === JSON.stringify(Object.entries(b ?? {}).sort());

/** Differences between live and desired steps, as readable lines (empty = the same). */
export const stepDifferences = (live: FlowStep[], desired: FlowStep[]): string[] => {
  const out: string[] = [];
  const describe = (s?: FlowStep) =>
    s
      ? `${'  '.repeat(s.level)}${s.provider} ${s.requirement}${s.config ? ` ${JSON.stringify(s.config)}` : ''}`
      : '(none)';
  for (let i = 0; i < Math.max(live.length, desired.length); i++) {
    const a = live[i];
    const b = desired[i];
    const same =
      a &&
      b &&
      a.level === b.level &&
      a.provider === b.provider &&
      a.requirement === b.requirement &&
      (b.config === undefined || sameConfig(a.config, b.config));
    if (!same) out.push(`step ${i + 1}: ${describe(a)} -> ${describe(b)}`);
  }
  return out;
};

/** Realm representation fields realm.yaml sets (flows and SMTP are handled separately). */
export const desiredRealmFields = (declared: RealmFile): Record<string, unknown> => {
  const otp = declared.otpPolicy;
  return {
    ...(declared.displayName !== undefined ? { displayName: declared.displayName } : {}),
    // The OTP policy is always written whole: partial updates lose fields in some tools.
    otpPolicyType: otp.type,
    otpPolicyAlgorithm: otp.algorithm,
    otpPolicyDigits: otp.digits,
    otpPolicyPeriod: otp.period,
    otpPolicyLookAheadWindow: otp.lookAroundWindow,
    otpPolicyInitialCounter: otp.initialCounter,
    otpPolicyCodeReusable: otp.codeReusable,
    resetPasswordAllowed: true,
    actionTokenGeneratedByUserLifespan: declared.actionTokens.userLifespanSeconds,
    actionTokenGeneratedByAdminLifespan: declared.actionTokens.adminLifespanSeconds,
    bruteForceProtected: declared.bruteForce.enabled,
    failureFactor: declared.bruteForce.failureFactor,
    waitIncrementSeconds: declared.bruteForce.waitIncrementSeconds,
    maxFailureWaitSeconds: declared.bruteForce.maxFailureWaitSeconds,
    permanentLockout: declared.bruteForce.permanentLockout,
  };
};

/** Keycloak's names of the apps realm.yaml declares (checked against the live realm's list). */
export const supportedAppKeys = (declared: RealmFile): string[] =>
  declared.otpPolicy.supportedApplications.map((app) => OTP_APPS[app]);

/** The SMTP settings as Keycloak holds them (strings), without the password. */
export const desiredSmtp = (declared: RealmFile): Record<string, string> | undefined => {
  const smtp = declared.smtp;
  if (!smtp) return undefined;
  return {
    host: smtp.host,
    port: String(smtp.port),
    from: smtp.from,
    ...(smtp.fromDisplayName ? { fromDisplayName: smtp.fromDisplayName } : {}),
    ...(smtp.replyTo ? { replyTo: smtp.replyTo } : {}),
    ssl: String(smtp.ssl),
    starttls: String(smtp.starttls),
    auth: String(Boolean(smtp.user)),
    ...(smtp.user ? { user: smtp.user } : {}),
  };
};

export const desiredEventsConfig = (declared: RealmFile) => ({
  eventsEnabled: declared.events.enabled,
  enabledEventTypes: [...declared.events.types].sort(),
  eventsExpiration: declared.events.retentionDays * 86_400,
  adminEventsEnabled: declared.events.adminEvents,
  adminEventsDetailsEnabled: declared.events.adminEventsDetails,
});

/** Field-by-field differences of the keys `desired` declares. */
export const fieldDifferences = (
  prefix: string,
  live: Record<string, unknown> | undefined,
  desired: Record<string, unknown>,
): { path: string; from: unknown; to: unknown }[] =>
  Object.entries(desired)
    .filter(([key, value]) => JSON.stringify(live?.[key]) !== JSON.stringify(value))
    .map(([key, value]) => ({ path: `${prefix}${key}`, from: live?.[key], to: value }));
