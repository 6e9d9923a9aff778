/**
 * The helpdesk's identity check as a caller and a staff member go through it: staff ask the sidecar to send
 * a code, the caller reads it from their mailbox (the test's SMTP server) and staff send it with the write.
 */
import type KcAdminClient from '@keycloak/keycloak-admin-client';
import { jsonCall } from './http-json.js';
import type { MailCatcher, ReceivedMail } from './smtp.js';

const read = new WeakSet<ReceivedMail>();

/** Asks for a code for the user and returns the proof as the caller reads it back: `{id, code}`. */
export const verificationFor = async (
  sidecarUrl: string,
  token: string,
  mail: MailCatcher,
  userId: string,
  email: string,
): Promise<{ id: number; code: string }> => {
  const sent = await jsonCall(`${sidecarUrl}/api/v1/helpdesk/users/${userId}/verification`, {
    token,
    method: 'POST',
  });
  if (sent.status !== 202) throw new Error(`verification answered ${sent.status}: ${JSON.stringify(sent.body)}`);
  const message = await mail.waitFor(
    (m) => !read.has(m) && m.to.includes(email) && m.subject.includes('helpdesk verification code'),
  );
  read.add(message);
  const code = /^\s+(\d{6})\s*$/m.exec(message.text)?.[1];
  if (!code) throw new Error('no code in the verification email');
  return { id: sent.body.id, code };
};

/** Lets the realm keep the admin-set attribute `otp-enrolment` (the admin scripts declare it on merge). */
export const allowEnrolmentAttribute = async (kc: KcAdminClient, realm: string) => {
  const profile = await kc.users.getProfile({ realm });
  await kc.users.updateProfile({ ...profile, realm, unmanagedAttributePolicy: 'ADMIN_EDIT' } as never);
};
