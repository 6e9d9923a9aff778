/**
 * The sidecar's file, `realm-config/<realm>/sidecar.yaml`, next to the realm's: who must have OTP and
 * from when, device notices, recovery. Validated with the same kind of messages as realm.yaml (file: path: what).
 */
import { z } from 'zod';
import { parseWithSchema, readYamlFile } from './yaml.js';

const groupPath = z.string().regex(/^\/.+/, 'expected a group path such as /staff/it');

/**
 * What a lost-phone recovery needs besides the mailbox (docs/threat-model.md): `password-and-email` (lost phone,
 * knows the password: a fresh password + OTP sign-in completes it), `device-and-email` (forgot the password,
 * has the phone: Keycloak's "Forgot Password?" asks a code from an existing device; no lost-phone link),
 * `email-only` (the link alone, with a cooling-off before old devices go; chosen explicitly), `helpdesk-only`.
 */
/** The protected roles when sidecar.yaml names none (the admin scripts leave out those a realm lacks). */
export const DEFAULT_PROTECTED_ROLES: readonly string[] = [
  'admin',
  'realm-management:*',
  'otp-helpdesk',
  'otp-helpdesk-admin',
];

export const RECOVERY_LEVELS = ['password-and-email', 'device-and-email', 'email-only', 'helpdesk-only'] as const;
export type RecoveryLevel = (typeof RECOVERY_LEVELS)[number];

const RECOVERY = z
  .object({
    level: z.enum(RECOVERY_LEVELS).default('password-and-email'),
    /** how long the emailed link is valid */
    linkLifespanMinutes: z.number().int().min(5).max(1440).default(60),
    /** password-and-email: the new device must be proven by a fresh sign-in within this time, or it is removed */
    completionWindowMinutes: z.number().int().min(5).max(1440).default(15),
    /** hours between a completed recovery and the old devices' removal (cancellable); absent: 24 at email-only, else 0 */
    retireAfterHours: z.number().min(0).max(720).optional(),
    /** once the new device is proven, remove the devices the account had when recovery started */
    retireOldDevices: z.boolean().default(true),
    /**
     * the client the emailed link belongs to (the admin scripts create it: realm.yaml `recoveryClient`) and the
     * page it returns to (default: the sidecar's `/recovery/complete` under PUBLIC_URL); a device added through
     * this client's links is the one a recovery is bound to. Its standard flow is off (the admin scripts), so no
     * browser login or application-initiated action runs through it; /recovery/complete signs in through
     * `<clientId>-signin`.
     */
    clientId: z.string().min(1).default('otp-recovery'),
    redirectUri: z.url().optional(),
    /**
     * Accounts that never recover by email alone: holders of these roles (effective: direct, composite or through
     * a group) — a realm role name, `client:role`, or `client:*` for any role of that client — and group members.
     */
    protectedRoles: z.array(z.string().min(1)).default([...DEFAULT_PROTECTED_ROLES]),
    protectedGroups: z.array(groupPath).default([]),
    rateLimit: z
      .object({
        perIpPer15Minutes: z.number().int().min(1).default(10),
        perAccountPerHour: z.number().int().min(1).default(3),
      })
      .strict()
      .default({ perIpPer15Minutes: 10, perAccountPerHour: 3 }),
  })
  .strict()
  .default({
    level: 'password-and-email',
    linkLifespanMinutes: 60,
    completionWindowMinutes: 15,
    retireOldDevices: true,
    clientId: 'otp-recovery',
    protectedRoles: [...DEFAULT_PROTECTED_ROLES],
    protectedGroups: [],
    rateLimit: { perIpPer15Minutes: 10, perAccountPerHour: 3 },
  });

/** The rules staff work under (docs/threat-model.md, "Helpdesk"). */
const HELPDESK = z
  .object({
    /** every write names a ticket matching this pattern */
    ticketPattern: z.string().min(1).default('^[A-Z][A-Z0-9]+-\\d+$'),
    minReasonLength: z.number().int().min(5).max(500).default(15),
    /** writes per staff member per hour, across replicas; past it writes are refused and counted */
    writesPerStaffPerHour: z.number().int().min(1).max(1000).default(10),
    /** a second helpdesk admin approves writes on protected accounts */
    fourEyesForProtected: z.boolean().default(true),
    /** staff sign-ins older than this cannot write (seconds) */
    maxAuthAgeSeconds: z.number().int().min(60).max(86_400).default(600),
    /** the `acr` value a staff token must carry (the realm's level of a password + OTP sign-in) */
    acr: z.string().min(1).default('mfa'),
  })
  .strict()
  .default({
    ticketPattern: '^[A-Z][A-Z0-9]+-\\d+$',
    minReasonLength: 15,
    writesPerStaffPerHour: 10,
    fourEyesForProtected: true,
    maxAuthAgeSeconds: 600,
    acr: 'mfa',
  });

/** Owners are told of every change to their second factor, with a way to stop it. */
const NOTICES = z
  .object({
    /** days a "This wasn't me" link stays valid */
    cancelLinkDays: z.number().int().min(1).max(90).default(7),
    /** a user attribute holding a further address to tell (e.g. a private one), besides the account's email */
    extraAddressAttribute: z.string().min(1).optional(),
  })
  .strict()
  .default({ cancelLinkDays: 7 });

export const SIDECAR_FILE = z
  .object({
    enforcement: z
      .object({
        /** "all", or the groups (with their subgroups) whose members must have OTP */
        scope: z.union([z.literal('all'), z.object({ groups: z.array(groupPath).min(1) }).strict()]).default('all'),
        exempt: z
          .object({ groups: z.array(groupPath).default([]), roles: z.array(z.string().min(1)).default([]) })
          .strict()
          .default({ groups: [], roles: [] }),
        /** existing users must have OTP from this date on (ISO 8601); absent = now */
        deadline: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
        newUserGraceDays: z.number().int().min(0).max(365).default(0),
        reminders: z
          .object({
            enabled: z.boolean().default(true),
            startDaysBefore: z.number().int().min(0).max(365).default(14),
            intervalDays: z.number().int().min(1).max(365).default(3),
          })
          .strict()
          .default({ enabled: true, startDaysBefore: 14, intervalDays: 3 }),
      })
      .strict()
      .default({
        scope: 'all',
        exempt: { groups: [], roles: [] },
        newUserGraceDays: 0,
        reminders: { enabled: true, startDaysBefore: 14, intervalDays: 3 },
      }),
    devices: z
      .object({
        /** email owners when an OTP device is added to or removed from their account */
        notifyOwners: z.boolean().default(true),
      })
      .strict()
      .default({ notifyOwners: true }),
    recovery: RECOVERY,
    helpdesk: HELPDESK,
    notices: NOTICES,
  })
  .strict();

export type SidecarFile = z.infer<typeof SIDECAR_FILE>;
export type RecoveryRules = SidecarFile['recovery'];

/** The actions of the recovery email: only the email-only level lets the link set a new password too. */
export const recoveryActionsOf = (rules: RecoveryRules): ('CONFIGURE_TOTP' | 'UPDATE_PASSWORD')[] =>
  rules.level === 'email-only' ? ['CONFIGURE_TOTP', 'UPDATE_PASSWORD'] : ['CONFIGURE_TOTP'];

/** Whether the sidecar's /recovery sends a link at all at this level. */
export const recoveryLinkOffered = (rules: RecoveryRules): boolean =>
  rules.level === 'password-and-email' || rules.level === 'email-only';

/** Hours between completion and retiring the old devices. */
export const retireAfterHoursOf = (rules: RecoveryRules): number =>
  rules.retireAfterHours ?? (rules.level === 'email-only' ? 24 : 0);

export const parseSidecarFile = (file: string, data: unknown): SidecarFile => parseWithSchema(SIDECAR_FILE, file, data);

export const loadSidecarFile = (file: string): SidecarFile => parseSidecarFile(file, readYamlFile(file));
