/** One change plan/apply makes to a realm. */
export interface Change {
  /** what part of the realm: realm, smtp, events, user-profile, required-action, flow, client, role */
  area: string;
  summary: string;
  details: string[];
  apply(): Promise<void>;
}

export const show = (value: unknown) => (value === undefined ? '(unset)' : JSON.stringify(value));

/** A change's details: `path: from -> to`, or `+added -removed` for lists. */
export const detailLines = (diffs: { path: string; from: unknown; to: unknown }[]) =>
  diffs.map((d) => {
    if (!Array.isArray(d.from) || !Array.isArray(d.to)) return `${d.path}: ${show(d.from)} -> ${show(d.to)}`;
    const from = d.from as unknown[];
    const to = d.to as unknown[];
    const added = to.filter((x) => !from.includes(x));
    const removed = from.filter((x) => !to.includes(x));
    return `${d.path}: ${[...added.map((x) => `+${x}`), ...removed.map((x) => `-${x}`)].join(' ')}`;
  });
