/** What the device tests read: the sidecar's device API (as the helpdesk) and the owners' device emails. */
import type { Sidecar } from '../../sidecar/src/main.js';
import { jsonCall } from '../support/http-json.js';
import type { MailCatcher } from '../support/smtp.js';

/** `at()` gives the sidecar, its helpdesk token and the mail catcher as they are when a test runs. */
export const deviceViews = (at: () => { sidecar: Sidecar; token: string; mail: MailCatcher }) => {
  const api = (path: string, init: { method?: string } = {}) =>
    jsonCall(`${at().sidecar.url}/api/v1${path}`, { token: at().token, ...init });
  const devicesOf = async (user: string) => (await api(`/users/${user}/devices`)).body.devices as Record<string, any>[];
  const deviceMails = (to: string) =>
    at().mail.messages.filter((m) => m.to.includes(to) && /authenticator was/.test(m.subject));
  return { api, devicesOf, deviceMails };
};

/** Each device as [label, "current" or why it was removed], by label. */
export const stateOf = (devices: Record<string, any>[]) =>
  devices.map((d) => [d.label, d.removedAt ? d.removedReason : 'current']).sort();
