/**
 * The account console's "Signing in" page, server-rendered in the spirit of the login pages (no script).
 * Keycloak's real console is a React single-page application whose markup this cannot match: tests
 * that must also pass on a real Keycloak use the Account REST API and the `kc_action` URLs, never this
 * page's markup.
 */
import { html, page } from '../login/page-layout.js';

export interface ConsoleDevice {
  id: string;
  label: string;
  createdDate: number;
}

export interface SigningInPageInput {
  realmTitle: string;
  username: string;
  devices: ConsoleDevice[];
  /** the application-initiated action URLs (through the console's own PKCE start) */
  setUpUrl: string;
  deleteUrl(credentialId: string): string;
  signOutUrl: string;
  /** what `kc_action_status` said of the last action */
  status?: string;
}

const STATUS_MESSAGES: Record<string, string> = {
  success: 'Your account has been updated.',
  cancelled: 'The action was cancelled.',
  error: 'The action failed.',
};

const deviceRow = (
  input: SigningInPageInput,
  device: ConsoleDevice,
) => `<li class="account-device" data-credential-id="${html(device.id)}">
<span class="account-device-label">${html(device.label)}</span>
<span class="account-device-created">Created ${html(new Date(device.createdDate).toISOString().slice(0, 10))}</span>
<a class="account-device-delete" href="${html(input.deleteUrl(device.id))}">Delete</a>
</li>`;

export const signingInPage = (input: SigningInPageInput) =>
  page({
    realmTitle: input.realmTitle,
    title: 'Signing in',
    alert:
      input.status && STATUS_MESSAGES[input.status]
        ? { type: 'info', text: STATUS_MESSAGES[input.status] as string }
        : undefined,
    body: `<p id="account-user">Signed in as <strong>${html(input.username)}</strong></p>
<h2>Two-factor authentication</h2>
<p>Authenticator application</p>
${
  input.devices.length
    ? `<ul id="account-devices">${input.devices.map((d) => deviceRow(input, d)).join('\n')}</ul>`
    : '<p id="account-no-devices">Authenticator application is not set up.</p>'
}
<p><a id="account-set-up-otp" href="${html(input.setUpUrl)}">Set up authenticator application</a></p>
<p><a id="account-sign-out" href="${html(input.signOutUrl)}">Sign out</a></p>`,
  });
