/** `export`: the live realm's 2FA set-up, in the realm.yaml format, to start from an existing realm. */
import type KcAdminClient from '@keycloak/keycloak-admin-client';
import { stringify } from 'yaml';
import {
  OTP_APPS,
  type OtpApp,
  RESET_OTP_MODES,
  type ResetOtpMode,
  SIDECAR_ROLES_DEFAULT,
} from '../../realm-files/src/index.js';
import { type FlowStep, parentIndex } from './desired.js';
import { readFlow, requiredActionsOf } from './flows.js';

const invert = <K extends string, V extends string>(map: Record<K, V>) =>
  Object.fromEntries(Object.entries(map).map(([k, v]) => [v, k])) as Record<V, K>;

/**
 * `required` when the OTP form is asked of every user: in the level-2 subflow the admin scripts build, when it
 * has no "Condition - user configured"; in a flow without levels, when the OTP form and its subflow are REQUIRED.
 * (`requireCodeFromExistingDevice` is not exported: it follows sidecar.yaml's recovery level.)
 */
const otpModeOf = (steps: FlowStep[]): 'required' | 'conditional' => {
  const level2 = steps.findIndex(
    (s) => s.provider === 'conditional-level-of-authentication' && s.config?.['loa-condition-level'] === '2',
  );
  if (level2 >= 0) {
    const depth = steps[level2]?.level ?? 0;
    const children: FlowStep[] = [];
    for (let i = parentIndex(steps, level2) + 1; i < steps.length && (steps[i]?.level ?? 0) >= depth; i++)
      if (steps[i]?.level === depth) children.push(steps[i] as FlowStep);
    const userConfigured = children.some(
      (s) => s.provider === 'conditional-user-configured' && s.requirement !== 'DISABLED',
    );
    return userConfigured ? 'conditional' : 'required';
  }
  const otpStep = steps.find((s) => s.provider === 'auth-otp-form');
  const requiredParent = steps.some(
    (s) => s.provider === 'flow' && s.requirement === 'REQUIRED' && s.level === (otpStep?.level ?? 0) - 1,
  );
  return otpStep?.requirement === 'REQUIRED' && requiredParent ? 'required' : 'conditional';
};

/** The realm's languages, when it has internationalization on (realm.yaml `internationalization`). */
const exportedLocalization = (live: {
  internationalizationEnabled?: boolean;
  supportedLocales?: string[];
  defaultLocale?: string;
}) => {
  const supported = [...(live.supportedLocales ?? [])].sort();
  if (!live.internationalizationEnabled || supported.length === 0) return {};
  const defaultLocale =
    live.defaultLocale && supported.includes(live.defaultLocale) ? live.defaultLocale : supported[0];
  return { internationalization: { enabled: true, supportedLocales: supported, defaultLocale } };
};

export const exportRealmFile = async (
  kc: KcAdminClient,
  realm: string,
  sidecarClientId = 'otp-sidecar',
): Promise<string> => {
  const live = await kc.realms.findOne({ realm });
  if (!live) throw new Error(`realm ${realm} not found`);
  const apps = invert(OTP_APPS);
  const requiredActions = await requiredActionsOf(kc, realm);
  const browser = live.browserFlow ? await readFlow(kc, realm, live.browserFlow) : undefined;
  const reset = live.resetCredentialsFlow ? await readFlow(kc, realm, live.resetCredentialsFlow) : undefined;
  const resetMode = reset?.steps.find((s) => s.provider === 'reset-otp')?.config?.action_on_otp_reset_flag;
  const events = await kc.realms.getConfigEvents({ realm });
  const smtp = (live.smtpServer ?? {}) as Record<string, string>;
  const sidecar = (await kc.clients.find({ realm, clientId: sidecarClientId })).find(
    (c) => c.clientId === sidecarClientId,
  );
  let sidecarRoles = SIDECAR_ROLES_DEFAULT;
  if (sidecar?.id && sidecar.serviceAccountsEnabled) {
    const account = await kc.clients.getServiceAccountUser({ realm, id: sidecar.id });
    const management = (await kc.clients.find({ realm, clientId: 'realm-management' }))[0];
    if (account.id && management?.id)
      sidecarRoles = (
        await kc.users.listClientRoleMappings({ realm, id: account.id, clientUniqueId: management.id })
      ).map((r) => r.name as string);
  }
  const declared = {
    realm,
    ...(live.displayName ? { displayName: live.displayName } : {}),
    ...exportedLocalization(live),
    otpPolicy: {
      type: live.otpPolicyType,
      algorithm: live.otpPolicyAlgorithm,
      digits: live.otpPolicyDigits,
      period: live.otpPolicyPeriod,
      lookAroundWindow: live.otpPolicyLookAheadWindow,
      initialCounter: live.otpPolicyInitialCounter,
      codeReusable: live.otpPolicyCodeReusable,
      supportedApplications: (live.otpSupportedApplications ?? [])
        .map((key) => apps[key as (typeof OTP_APPS)[OtpApp]])
        .filter(Boolean),
    },
    requiredActions: Object.fromEntries(
      requiredActions
        .filter((a) => ['CONFIGURE_TOTP', 'UPDATE_PASSWORD', 'VERIFY_EMAIL'].includes(a.alias as string))
        .map((a) => [a.alias, { enabled: a.enabled, defaultAction: a.defaultAction }]),
    ),
    browserFlow: { alias: live.browserFlow, otp: otpModeOf(browser?.steps ?? []) },
    resetCredentialsFlow: {
      alias: live.resetCredentialsFlow,
      resetOtp:
        (invert(RESET_OTP_MODES) as Record<string, ResetOtpMode>)[resetMode ?? 'Remove none'] ??
        'keep-until-new-device',
    },
    actionTokens: {
      userLifespanSeconds: live.actionTokenGeneratedByUserLifespan,
      adminLifespanSeconds: live.actionTokenGeneratedByAdminLifespan,
    },
    bruteForce: {
      enabled: live.bruteForceProtected,
      failureFactor: live.failureFactor,
      waitIncrementSeconds: live.waitIncrementSeconds,
      maxFailureWaitSeconds: live.maxFailureWaitSeconds,
      permanentLockout: live.permanentLockout,
    },
    ...(smtp.host
      ? {
          smtp: {
            host: smtp.host,
            port: Number(smtp.port ?? 25),
            from: smtp.from,
            ...(smtp.fromDisplayName ? { fromDisplayName: smtp.fromDisplayName } : {}),
            ssl: smtp.ssl === 'true',
            starttls: smtp.starttls === 'true',
            ...(smtp.user ? { user: smtp.user, passwordEnv: 'SMTP_PASSWORD' } : {}),
          },
        }
      : {}),
    events: {
      enabled: events.eventsEnabled,
      types: events.enabledEventTypes ?? [],
      retentionDays: Math.max(1, Math.round((events.eventsExpiration ?? 2_592_000) / 86_400)),
      adminEvents: events.adminEventsEnabled,
      adminEventsDetails: events.adminEventsDetailsEnabled,
    },
    sidecarClient: { clientId: sidecarClientId, roles: sidecarRoles },
  };
  return stringify(declared);
};
