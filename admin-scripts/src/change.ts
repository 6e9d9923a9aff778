/** One change plan/apply makes to a realm. */
export interface Change {
  /** what part of the realm: realm, smtp, events, user-profile, required-action, flow, client, role */
  area: string;
  summary: string;
  details: string[];
  apply(): Promise<void>;
}
