/**
 * The sidecar's file, `realm-config/<realm>/sidecar.yaml`, next to the realm's: who must have OTP and
 * from when, device notices, recovery. Validated with the same kind of messages as realm.yaml (file: path: what).
 */
import { z } from 'zod';
import { parseWithSchema, readYamlFile } from './yaml.js';

const groupPath = z.string().regex(/^\/.+/, 'expected a group path such as /staff/it');

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
    recovery: z
      .object({
        /** the actions of the recovery email, in order */
        actions: z
          .array(z.enum(['UPDATE_PASSWORD', 'CONFIGURE_TOTP']))
          .min(1)
          .default(['UPDATE_PASSWORD', 'CONFIGURE_TOTP']),
        linkLifespanMinutes: z.number().int().min(5).max(1440).default(60),
        /** once the new device works, remove the devices the account had when recovery started */
        retireOldDevices: z.boolean().default(true),
        /** the client and page the email link returns to (default: the account console) */
        clientId: z.string().min(1).default('account-console'),
        redirectUri: z.url().optional(),
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
        actions: ['UPDATE_PASSWORD', 'CONFIGURE_TOTP'],
        linkLifespanMinutes: 60,
        retireOldDevices: true,
        clientId: 'account-console',
        rateLimit: { perIpPer15Minutes: 10, perAccountPerHour: 3 },
      }),
  })
  .strict();

export type SidecarFile = z.infer<typeof SIDECAR_FILE>;

export const parseSidecarFile = (file: string, data: unknown): SidecarFile => parseWithSchema(SIDECAR_FILE, file, data);

export const loadSidecarFile = (file: string): SidecarFile => parseSidecarFile(file, readYamlFile(file));
