/**
 * The sidecar's emails in their owner's language, through the real parts: a realm with internationalization
 * on (Keycloak keeps a user's `locale` attribute only then) and French as its default locale; users with
 * `locale` fr or de, and one without. The device mirror's notices and the enforcement reminders arrive over
 * SMTP in the user's language, else in the realm's default; so does a helpdesk verification code.
 */
import { generate } from 'otplib';
import { jsonCall } from '../support/http-json.js';
import { accountConsoleLoginUrl, LoginRobot } from '../support/login-robot.js';
import { helpdeskToken } from '../support/sidecar-realm.js';
import { kc, kut, mail, sidecar, target, useSidecarRealm } from '../support/sidecar-world.js';
import type { ReceivedMail } from '../support/smtp.js';
import { createTestUser, otpCredential, passwordOf, SECRET_A } from '../support/users.js';

const DAY = 86_400_000;
const localeAttribute = (locale: string) => ({ attributes: { locale: [locale] } });
const mailTo = (username: string, subject: RegExp) =>
  mail.waitFor((m) => m.to.includes(`${username}@example.org`) && subject.test(m.subject), 20_000);

useSidecarRealm(
  {
    enforcement: {
      scope: 'all',
      deadline: new Date(Date.now() + 7 * DAY).toISOString(),
      newUserGraceDays: 0,
      reminders: { enabled: true, startDaysBefore: 14, intervalDays: 3 },
    },
  },
  'languages',
  {
    populate: async () => {
      const realm = target.realm;
      // Internationalization on (Keycloak keeps `locale` on users only then), French as the realm's default.
      await kc.realms.update(
        { realm },
        { internationalizationEnabled: true, supportedLocales: ['en', 'fr', 'de'], defaultLocale: 'fr' },
      );
      await createTestUser(kc, realm, 'lea', {
        extra: { ...localeAttribute('fr'), requiredActions: ['CONFIGURE_TOTP'] },
      });
      await createTestUser(kc, realm, 'kurt', {
        credentials: [otpCredential('Handy', SECRET_A)],
        extra: localeAttribute('de'),
      });
      await createTestUser(kc, realm, 'greta', { extra: localeAttribute('de') });
      await createTestUser(kc, realm, 'noel');
    },
  },
);

const expectNoEnglish = (email: ReceivedMail) => {
  expect(`${email.subject}\n${email.text}`).not.toMatch(/\b(Hello|your account|helpdesk)\b/);
};

test('the realm keeps the users’ locale (internationalization on)', async () => {
  const [lea] = await kc.users.find({ realm: target.realm, username: 'lea', exact: true });
  expect(lea?.attributes?.locale).toEqual(['fr']);
});

test('a reminder in German for a user whose locale is de', async () => {
  const reminder = await mailTo('greta', /Zwei-Faktor-Authentifizierung/);
  expect(reminder.subject).toMatch(/^Richten Sie vor dem \d{1,2}\. \S+ \d{4} die Zwei-Faktor-Authentifizierung ein$/);
  expect(reminder.text).toContain('Hallo greta,');
  expect(reminder.text).toContain('benötigt Ihr Konto einen zweiten Faktor');
  expect(reminder.html).toContain('<div lang="de">');
  expectNoEnglish(reminder);
});

test('a reminder in the realm’s default language (French) for a user without a locale', async () => {
  const reminder = await mailTo('noel', /authentification à deux facteurs/);
  expect(reminder.subject).toMatch(/^Configurez l'authentification à deux facteurs avant le \d{1,2} \S+ \d{4}$/);
  expect(reminder.text).toContain('Bonjour noel,');
  expectNoEnglish(reminder);
});

test('a device set up by a user whose locale is fr: the notice in French, the name inert', async () => {
  const robot = new LoginRobot();
  await robot.open(accountConsoleLoginUrl(kut.baseUrl, target.realm));
  await robot.submit({ username: 'lea', password: passwordOf('lea') });
  // The setup page is in lea's language on Keycloak: its manual-entry link is found by its address, not its words.
  const manual = /href="([^"]*mode=manual[^"]*)"/.exec(robot.page.html)?.[1];
  expect(manual).toBeDefined();
  const href = (manual as string).replace(/&#(\d+);/g, (_, code) => String.fromCharCode(Number(code)));
  await robot.open(new URL(href.replaceAll('&amp;', '&'), robot.page.url).toString());
  const secret = (robot.textOf('kc-totp-secret-key') ?? '').replaceAll(' ', '');
  await robot.submit({ totp: await generate({ secret }), userLabel: 'Téléphone www.example.org' });
  const notice = await mailTo('lea', /authentificateur/);
  expect(notice.subject).toBe(`Un nouvel authentificateur a été ajouté à votre compte ${target.realm}`);
  expect(notice.text).toContain('Bonjour lea,');
  expect(notice.text).toContain(
    'L\'authentificateur "Téléphone www\u2024example\u2024org" a été ajouté à votre compte (lea)',
  );
  expect(notice.text).toContain('Les paramètres de sécurité de votre compte: ');
  expect(notice.html).not.toContain('www.example.org');
  expectNoEnglish(notice);
});

test('a device an admin removes from a user whose locale is de: the notice in German, not the realm’s French', async () => {
  const [kurt] = await kc.users.find({ realm: target.realm, username: 'kurt', exact: true });
  const id = kurt?.id as string;
  const device = (await kc.users.getCredentials({ realm: target.realm, id })).find((c) => c.type === 'otp');
  await kc.users.deleteCredential({ realm: target.realm, id, credentialId: device?.id as string });
  const notice = await mailTo('kurt', /Authenticator/);
  expect(notice.subject).toBe(`Ein Authenticator wurde aus Ihrem Konto bei ${target.realm} entfernt`);
  expect(notice.text).toContain('Der Authenticator "Handy" wurde am ');
  expect(notice.text).toContain('(von einem Administrator entfernt)');
  expectNoEnglish(notice);
});

test('a helpdesk verification code in German for a user whose locale is de, on a line of its own', async () => {
  const staff = await helpdeskToken(kc, kut, target.realm);
  const [greta] = await kc.users.find({ realm: target.realm, username: 'greta', exact: true });
  const sent = await jsonCall(`${sidecar.url}/api/v1/helpdesk/users/${greta?.id}/verification`, {
    token: staff,
    method: 'POST',
  });
  expect(sent.status).toBe(202);
  const email = await mailTo('greta', /Bestätigungscode/);
  expect(email.subject).toBe(`Ihr Bestätigungscode für den IT-Support von ${target.realm}`);
  expect(email.text).toMatch(/^\s+\d{6}\s*$/m);
  expect(email.text).toContain('Er ist 10 Minuten gültig.');
  expectNoEnglish(email);
});
