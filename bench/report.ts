/** The benchmark's report: a markdown table of the sizes' results. */
import type { SizeResult } from './size.js';

/** The results as a markdown table, one column per size. */
export const table = (results: SizeResult[]) => {
  const rows: [string, (r: (typeof results)[number]) => string][] = [
    ['users (with OTP)', (r) => `${r.users} (${r.usersWithOtp})`],
    [
      'naive baseline: wall s (admin calls)',
      (r) => `${r.baseline.wallS.toFixed(1)}${r.baseline.extrapolated ? '*' : ''} (${r.baseline.adminCalls})`,
    ],
    [
      'full mirror sync: wall s (admin calls / bound)',
      (r) => `${r.fullSync.wallS.toFixed(1)} (${r.fullSync.adminCalls} / ${r.fullSync.bound})`,
    ],
    ['full sync speed-up vs baseline', (r) => `${r.fullSync.speedupVsBaseline.toFixed(1)}×`],
    ['full sync: CPU s, peak RSS MB', (r) => `${r.fullSync.cpuS.toFixed(1)}, ${r.fullSync.peakRssMb.toFixed(0)}`],
    [
      'reconcile, nothing to change: wall s (admin calls, writes)',
      (r) => `${r.reconcile.wallS.toFixed(1)} (${r.reconcile.adminCalls}, ${r.reconcile.adminWrites})`,
    ],
    ['reconcile: CPU s, peak RSS MB', (r) => `${r.reconcile.cpuS.toFixed(1)}, ${r.reconcile.peakRssMb.toFixed(0)}`],
    ['first pass at start: wall s (admin calls)', (r) => `${r.firstPass.wallS.toFixed(1)} (${r.firstPass.adminCalls})`],
    [
      'incremental: lag p50 / p95 ms (seen/changes)',
      (r) => `${r.incremental.lagP50Ms} / ${r.incremental.lagP95Ms} (${r.incremental.seen}/${r.incremental.changes})`,
    ],
    [
      'floor: /healthz @500 rps (no token, no database): p50 / p99 ms',
      (r) => (r.httpFloor ? `${r.httpFloor.p50Ms} / ${r.httpFloor.p99Ms}` : 'n/a'),
    ],
    [
      'helpdesk device lookup @500 rps, median of 3 runs (after 2 s unmeasured): rps, p50 / p99 ms (p99 range), status codes',
      (r) =>
        `${r.helpdeskLookup.rps}, ${r.helpdeskLookup.p50Ms} / ${r.helpdeskLookup.p99Ms} (${r.helpdeskLookup.p99RangeMs.join('–')}), ${JSON.stringify(r.helpdeskLookup.statusCodes)}`,
    ],
    [
      'audit listing @200 rps: rps, p50 / p99 ms',
      (r) => `${r.auditListing.rps}, ${r.auditListing.p50Ms} / ${r.auditListing.p99Ms}`,
    ],
    [
      'recovery @200 rps: rps, p50 / p99 ms, status codes',
      (r) => `${r.recovery.rps}, ${r.recovery.p50Ms} / ${r.recovery.p99Ms}, ${JSON.stringify(r.recovery.statusCodes)}`,
    ],
    ['sidecar process peak RSS MB (whole run)', (r) => r.sidecarPeakRssMb.toFixed(0)],
  ];
  return [
    `| measure | ${results.map((r) => `${r.users} users`).join(' | ')} |`,
    `| --- | ${results.map(() => '---').join(' | ')} |`,
    ...rows.map(([name, cell]) => `| ${name} | ${results.map(cell).join(' | ')} |`),
  ].join('\n');
};
