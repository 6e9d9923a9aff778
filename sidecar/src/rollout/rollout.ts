/**
 * The rollout service: takes the day's snapshot after each full enforcement pass (the realm, and each
 * group the rollout is followed by), and answers the dashboard's overview — the series, progress per
 * group against the deadline, the projection and the weekly counts.
 */
import type { EnforcementPolicy } from '../enforcement/policy.js';
import type { KeycloakConnection } from '../keycloak/connection.js';
import { KeycloakGroups } from '../keycloak/groups.js';
import type { SqlDatabase } from '../store/database.js';
import { addDays, dayOf, type Projection, percentEnrolled, project, seriesOf, weeklySeries } from './progress.js';
import {
  ALL_GROUPS,
  countsAmong,
  currentCounts,
  perWeek,
  type RolloutCounts,
  type Snapshot,
  saveSnapshots,
  snapshotsSince,
  type WeekCount,
} from './records.js';

/** How far back the dashboard looks. */
export const HISTORY_DAYS = 120;
export const WEEKS = 12;
/** At most this many top-level groups are followed when the policy covers all users. */
const MAX_GROUPS = 50;

export interface GroupProgress {
  path: string;
  counts: RolloutCounts;
  percent: number;
  projection: Projection;
}

export interface RolloutOverview {
  realm: string;
  day: string;
  deadline: string | null;
  counts: RolloutCounts;
  percent: number;
  projection: Projection;
  series: { day: string; counts: RolloutCounts }[];
  groups: GroupProgress[];
  weekly: { reminders: WeekCount[]; recoveries: WeekCount[]; helpdeskActions: WeekCount[] };
}

/** The group paths followed: the policy's scope groups, else the realm's top-level groups. */
const followedGroups = async (keycloak: KeycloakConnection, policy: EnforcementPolicy): Promise<string[]> => {
  if (policy.scope !== 'all') return policy.scope.groups;
  const realm = keycloak.realm;
  const top = await keycloak.call('groups', (c) =>
    c.groups.find({ realm, first: 0, max: MAX_GROUPS, briefRepresentation: true }),
  );
  return top.map((g) => g.path ?? `/${g.name}`).filter((path) => !policy.exempt.groups.includes(path));
};

/**
 * Writes today's snapshot of the realm and of each followed group from the enforcement records the pass
 * just wrote. Run after each full pass; the day's rows are replaced, so the last pass of a day stands.
 */
export const takeSnapshot = async (of: {
  db: SqlDatabase;
  keycloak: KeycloakConnection;
  policy: EnforcementPolicy;
  now?: Date;
}): Promise<Snapshot[]> => {
  const { db, keycloak, policy } = of;
  const now = of.now ?? new Date();
  const day = dayOf(now);
  const realm = keycloak.realm;
  const groups = new KeycloakGroups(keycloak);
  const snapshots: Snapshot[] = [{ day, groupPath: ALL_GROUPS, ...(await currentCounts(db, realm)) }];
  for (const path of await followedGroups(keycloak, policy)) {
    const members = [...(await groups.membersOf(path))];
    snapshots.push({ day, groupPath: path, ...(await countsAmong(db, realm, members)) });
  }
  await saveSnapshots(db, realm, snapshots, now);
  return snapshots;
};

const groupProgress = (snapshots: Snapshot[], today: string, deadline?: string): GroupProgress[] => {
  const paths = [...new Set(snapshots.filter((s) => s.groupPath !== ALL_GROUPS).map((s) => s.groupPath))].sort();
  return paths.flatMap((path) => {
    const latest = snapshots.filter((s) => s.groupPath === path).at(-1);
    if (!latest) return [];
    const counts = {
      required: latest.required,
      enrolled: latest.enrolled,
      pending: latest.pending,
      exempt: latest.exempt,
    };
    const series = seriesOf(snapshots, path, { day: latest.day > today ? today : latest.day, counts });
    return [{ path, counts, percent: percentEnrolled(counts), projection: project(series, deadline) }];
  });
};

/** The dashboard's data; today's realm counts are live, so they match the compliance API's at any moment. */
export const rolloutOverview = async (of: {
  db: SqlDatabase;
  realm: string;
  deadline?: string;
  now?: Date;
}): Promise<RolloutOverview> => {
  const { db, realm, deadline } = of;
  const now = of.now ?? new Date();
  const day = dayOf(now);
  const weeksSince = new Date(Date.parse(`${addDays(day, -7 * WEEKS)}T00:00:00Z`));
  const [snapshots, counts, reminders, recoveries, helpdeskActions] = await Promise.all([
    snapshotsSince(db, realm, addDays(day, -HISTORY_DAYS)),
    currentCounts(db, realm),
    perWeek(db, 'reminders', realm, weeksSince),
    perWeek(db, 'recoveries', realm, weeksSince),
    perWeek(db, 'helpdeskActions', realm, weeksSince),
  ]);
  const series = seriesOf(snapshots, ALL_GROUPS, { day, counts });
  return {
    realm,
    day,
    deadline: deadline ?? null,
    counts,
    percent: percentEnrolled(counts),
    projection: project(series, deadline),
    series,
    groups: groupProgress(snapshots, day, deadline),
    weekly: {
      reminders: weeklySeries(reminders, now, WEEKS),
      recoveries: weeklySeries(recoveries, now, WEEKS),
      helpdeskActions: weeklySeries(helpdeskActions, now, WEEKS),
    },
  };
};
