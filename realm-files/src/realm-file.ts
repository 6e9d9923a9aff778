/**
 * A realm's declared 2FA set-up, `realm-config/<realm>/realm.yaml`: OTP policy, flows, SMTP, events, the
 * sidecar's client and the helpdesk roles. Secrets are never in the file: it names the environment
 * variables that hold them.
 */
import { z } from 'zod';
import { parseWithSchema } from './yaml.js';

const positive = z.number().int().positive();

/** Authenticator apps and the OTP policies they handle (as Keycloak lists them for a policy). */
export const OTP_APPS = {
  FreeOTP: 'totpAppFreeOTPName',
  'Google Authenticator': 'totpAppGoogleName',
  'Microsoft Authenticator': 'totpAppMicrosoftAuthenticatorName',
} as const;
export type OtpApp = keyof typeof OTP_APPS;

const otpPolicy = z
  .object({
    type: z.enum(['totp', 'hotp']).default('totp'),
    algorithm: z.enum(['HmacSHA1', 'HmacSHA256', 'HmacSHA512']).default('HmacSHA1'),
    digits: z.union([z.literal(6), z.literal(8)]).default(6),
    period: positive.max(300).default(30),
    lookAroundWindow: z.number().int().min(0).max(10).default(1),
    initialCounter: z.number().int().min(0).default(0),
    codeReusable: z.boolean().default(false),
    supportedApplications: z
      .array(z.enum(Object.keys(OTP_APPS) as [OtpApp, ...OtpApp[]]))
      .default(['FreeOTP', 'Google Authenticator', 'Microsoft Authenticator']),
  })
  .strict()
  .superRefine((policy, ctx) => {
    // Google and Microsoft Authenticator only handle the defaults; FreeOTP handles everything.
    const standard =
      policy.type === 'totp' && policy.algorithm === 'HmacSHA1' && policy.digits === 6 && policy.period === 30;
    for (const app of policy.supportedApplications)
      if (app !== 'FreeOTP' && !standard)
        ctx.addIssue({
          code: 'custom',
          path: ['supportedApplications'],
          message: `${app} only handles TOTP with HmacSHA1, 6 digits and a 30 s period`,
        });
  });

const requiredAction = z.object({ enabled: z.boolean().default(true), defaultAction: z.boolean().optional() }).strict();

export const RESET_OTP_MODES = {
  'keep-until-new-device': 'Remove none',
  'remove-one': 'Remove one',
  'remove-all': 'Remove all',
} as const;
export type ResetOtpMode = keyof typeof RESET_OTP_MODES;

const localeTag = z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'expected a language tag, e.g. fr or pt-BR');

/**
 * The realm's languages (Keycloak's Localization tab): with `enabled`, Keycloak's pages and emails follow
 * each user's `locale` (else the browser's, else `defaultLocale`) among `supportedLocales`.
 */
const internationalization = z
  .object({
    enabled: z.boolean().default(true),
    supportedLocales: z.array(localeTag).min(1),
    defaultLocale: localeTag,
  })
  .strict()
  .superRefine((value, ctx) => {
    if (!value.supportedLocales.includes(value.defaultLocale))
      ctx.addIssue({
        code: 'custom',
        path: ['defaultLocale'],
        message: `${value.defaultLocale} is not one of supportedLocales`,
      });
  });

const envName = z
  .string()
  .regex(/^[A-Z_][A-Z0-9_]*$/, 'expected the name of an environment variable, e.g. SMTP_PASSWORD');

const smtp = z
  .object({
    host: z.string().min(1),
    port: z.coerce.number().int().min(1).max(65535).default(25),
    from: z.string().min(3),
    fromDisplayName: z.string().optional(),
    replyTo: z.string().optional(),
    ssl: z.boolean().default(false),
    starttls: z.boolean().default(false),
    user: z.string().optional(),
    passwordEnv: envName.optional(),
  })
  .strict();

/**
 * The user event types the realm records by default: what the sidecar's event feed reads (a new account,
 * a "Forgot Password?" email, credential changes — Keycloak 26 records `UPDATE_CREDENTIAL` and the
 * deprecated `UPDATE_TOTP` when a user sets up a device, `REMOVE_CREDENTIAL`/`REMOVE_TOTP` when one removes
 * it — and a deleted account), plus sign-ins and password changes for the audit trail. Not
 * `RESET_PASSWORD`, `EXECUTE_ACTIONS` or `EXECUTE_ACTION_TOKEN`: Keycloak 26 records those only as `_ERROR`
 * on link paths (contract §11), so nothing waits for them.
 */
const EVENT_TYPES_THE_SIDECAR_READS = [
  'LOGIN',
  'LOGIN_ERROR',
  'REGISTER',
  'SEND_RESET_PASSWORD',
  'UPDATE_CREDENTIAL',
  'REMOVE_CREDENTIAL',
  'UPDATE_TOTP',
  'REMOVE_TOTP',
  'UPDATE_PASSWORD',
  'DELETE_ACCOUNT',
];

// query-clients: the recovery's protected-role check finds a client's id (realm-management) to read effective roles
export const SIDECAR_ROLES_DEFAULT = ['view-users', 'manage-users', 'view-events', 'view-realm', 'query-clients'];

export const REALM_FILE = z
  .object({
    realm: z.string().min(1),
    displayName: z.string().optional(),
    /** absent: the admin scripts leave the realm's languages as they are */
    internationalization: internationalization.optional(),
    otpPolicy: otpPolicy.default(otpPolicy.parse({})),
    requiredActions: z.record(z.string(), requiredAction).default({
      CONFIGURE_TOTP: { enabled: true, defaultAction: true },
      UPDATE_PASSWORD: { enabled: true },
      VERIFY_EMAIL: { enabled: true },
    }),
    browserFlow: z
      .object({
        alias: z.string().min(1).default('browser-2fa'),
        /**
         * conditional: OTP is asked of everyone who has a device; the sidecar makes setup mandatory per its
         * policy (deadline, exemptions). required: every user must set up OTP at the next login.
         */
        otp: z.enum(['conditional', 'required']).default('conditional'),
      })
      .strict()
      .default({ alias: 'browser-2fa', otp: 'conditional' }),
    resetCredentialsFlow: z
      .object({
        alias: z.string().min(1).default('reset-credentials-2fa'),
        resetOtp: z
          .enum(Object.keys(RESET_OTP_MODES) as [ResetOtpMode, ...ResetOtpMode[]])
          .default('keep-until-new-device'),
        /**
         * a user who still has a device must also give a code from it. Absent: follows sidecar.yaml's
         * `recovery.level` (true at every level but email-only); the admin scripts refuse a contradicting value.
         */
        requireCodeFromExistingDevice: z.boolean().optional(),
      })
      .strict()
      .default({ alias: 'reset-credentials-2fa', resetOtp: 'keep-until-new-device' }),
    actionTokens: z
      .object({ userLifespanSeconds: positive.default(900), adminLifespanSeconds: positive.default(43_200) })
      .strict()
      .default({ userLifespanSeconds: 900, adminLifespanSeconds: 43_200 }),
    bruteForce: z
      .object({
        enabled: z.boolean().default(true),
        failureFactor: positive.default(5),
        waitIncrementSeconds: positive.default(60),
        maxFailureWaitSeconds: positive.default(900),
        permanentLockout: z.boolean().default(false),
      })
      .strict()
      .default({
        enabled: true,
        failureFactor: 5,
        waitIncrementSeconds: 60,
        maxFailureWaitSeconds: 900,
        permanentLockout: false,
      }),
    smtp: smtp.optional(),
    events: z
      .object({
        enabled: z.boolean().default(true),
        types: z.array(z.string().regex(/^[A-Z_]+$/)).default(EVENT_TYPES_THE_SIDECAR_READS),
        retentionDays: positive.default(30),
        adminEvents: z.boolean().default(true),
        adminEventsDetails: z.boolean().default(true),
      })
      .strict()
      .default({
        enabled: true,
        types: EVENT_TYPES_THE_SIDECAR_READS,
        retentionDays: 30,
        adminEvents: true,
        adminEventsDetails: true,
      }),
    sidecarClient: z
      .object({
        clientId: z.string().min(1).default('otp-sidecar'),
        secretEnv: envName.optional(),
        roles: z.array(z.string().min(1)).default(SIDECAR_ROLES_DEFAULT),
      })
      .strict()
      .default({ clientId: 'otp-sidecar', roles: SIDECAR_ROLES_DEFAULT }),
    helpdesk: z
      .object({
        roles: z
          .array(z.object({ name: z.string().min(1), description: z.string().default('') }).strict())
          .default([{ name: 'otp-helpdesk', description: 'May reset the OTP devices of other users' }]),
        client: z
          .object({
            clientId: z.string().min(1).default('otp-helpdesk'),
            redirectUris: z.array(z.string().min(1)).min(1),
            webOrigins: z.array(z.string()).default(['+']),
          })
          .strict()
          .optional(),
      })
      .strict()
      .default({ roles: [{ name: 'otp-helpdesk', description: 'May reset the OTP devices of other users' }] }),
    /**
     * Two clients, both public with the sidecar's `/recovery/complete` as redirect. `clientId` (sidecar.yaml
     * `recovery.clientId`): the client the emailed links are issued for, with **no flow at all** — Keycloak
     * refuses its authorization requests, so only a link's action token opens a session for it, and a device
     * whose event names it was made through a link. Its sign-in companion `<clientId>-signin` (code flow with
     * PKCE only) carries the fresh sign-in that proves the new device; its events never count.
     */
    recoveryClient: z
      .object({
        clientId: z.string().min(1).default('otp-recovery'),
        redirectUris: z.array(z.string().min(1)).min(1).default(['http://127.0.0.1:8081/recovery/complete']),
        webOrigins: z.array(z.string()).default([]),
      })
      .strict()
      .default({
        clientId: 'otp-recovery',
        redirectUris: ['http://127.0.0.1:8081/recovery/complete'],
        webOrigins: [],
      }),
  })
  .strict();

export type RealmFile = z.infer<typeof REALM_FILE>;

/** The client `/recovery/complete` signs in through: the link client's companion (realm.yaml `recoveryClient`). */
export const recoverySignInClientOf = (linkClientId: string) => `${linkClientId}-signin`;

export const parseRealmFile = (file: string, data: unknown): RealmFile => parseWithSchema(REALM_FILE, file, data);
