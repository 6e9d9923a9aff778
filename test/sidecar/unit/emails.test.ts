/**
 * Every email of the sidecar without servers: the composer's text and HTML, each email in French and German
 * (subject and body), the language chosen from the owner's `locale` then the realm's default, user-chosen
 * text inert and escaped, dedupe keys as before (the outbox dedupes on them).
 */
import { deviceChangeEmail } from '../../../sidecar/src/devices/device-email.js';
import { reminderEmail } from '../../../sidecar/src/enforcement/reminder-email.js';
import { helpdeskActionEmail } from '../../../sidecar/src/helpdesk/helpdesk-email.js';
import { verificationCodeEmail } from '../../../sidecar/src/helpdesk/verification.js';
import { translatorFor } from '../../../sidecar/src/i18n/index.js';
import { composeEmail, phrase } from '../../../sidecar/src/mail/compose.js';
import { frozenEmail } from '../../../sidecar/src/notices/notice-email.js';
import {
  pendingRemovedEmail,
  retiredDevicesEmail,
  retirementScheduledEmail,
} from '../../../sidecar/src/recovery/recovery-email.js';

const EVIL = 'http://evil.example/x<b>';
const CANCEL = 'https://sidecar.example.org/notice/cancel?t=abc&x=1';
const ACCOUNT = 'https://kc.example.org/realms/lab/account';
const AT = new Date(Date.UTC(2026, 11, 2, 9, 5));
const owner = (locale?: string) => ({ userId: 'u1', username: 'ann', email: 'ann@example.org', locale });

/** user-chosen text stays inert in both parts: no scheme link, no host-like dots, no markup */
const expectInert = (email: { text: string; html: string }) => {
  for (const body of [email.text, email.html]) expect(body).not.toMatch(/evil\.example|:\/\/evil/);
  expect(email.text).toContain('http:/ /evil\u2024example/x<b>');
  expect(email.html).toContain('http:/ /evil\u2024example/x&#60;b&#62;');
  expect(email.html).not.toContain('<b>');
};

describe('the composer', () => {
  const t = translatorFor('fr');

  test('greeting, paragraphs, a closing link and the cancel paragraph, in text and escaped HTML', () => {
    const email = composeEmail(t, {
      subject: 'Sujet',
      username: 'ann <a>',
      paragraphs: ['Ligne un\nligne <deux>', [{ strong: '2 décembre' }, ' & plus'], { code: '012345' }],
      link: { label: 'Votre compte', url: ACCOUNT },
      cancelUrl: CANCEL,
    });
    expect(email.subject).toBe('Sujet');
    const paragraphs = [
      'Bonjour ann <a>,',
      'Ligne un\nligne <deux>',
      '2 décembre & plus',
      '    012345',
      `Votre compte: ${ACCOUNT}`,
      `Ce n'était pas moi: ${CANCEL}\n(ouvre une page où vous confirmez ; le lien ne fonctionne qu'une fois, pendant quelques jours)`,
    ];
    expect(email.text).toBe(`${paragraphs.join('\n\n')}\n`);
    expect(email.html).toContain('<div lang="fr">');
    expect(email.html).toContain('<p>Bonjour ann &#60;a&#62;,</p>');
    expect(email.html).toContain('<p>Ligne un<br>ligne &#60;deux&#62;</p>');
    expect(email.html).toContain('<p><strong>2 décembre</strong> &#38; plus</p>');
    expect(email.html).toMatch(/<strong[^>]*>012345<\/strong>/);
    expect(email.html).toContain(`<a href="${ACCOUNT}">Votre compte</a>`);
    expect(email.html).toContain(
      '<a href="https://sidecar.example.org/notice/cancel?t=abc&#38;x=1">Ce n&#39;était pas moi</a>',
    );
  });

  test('without a name, a link or a cancel URL: only what is given', () => {
    const email = composeEmail(translatorFor('de'), { subject: 'S', paragraphs: ['Eins'] });
    expect(email.text).toBe('Hallo,\n\nEins\n');
    expect(email.html).not.toContain('<a ');
  });

  test('marked placeholders become segments; values stay literal text, whatever they hold', () => {
    const sneaky = '{{day}} $t(emails.cancel.link) \u0000link\u0000';
    expect(phrase(t, 'emails.reminder.setUp', {}, { link: { link: 'Configurez-le', url: ACCOUNT } })[0]).toEqual({
      link: 'Configurez-le',
      url: ACCOUNT,
    });
    const parts = phrase(t, 'common.greeting', { username: sneaky }, { day: { strong: 'x' } });
    expect(parts).toEqual(['Bonjour {{day}} $t(emails.cancel.link) link,']);
  });
});

describe('each email in the owner’s language', () => {
  const device = (kind: 'added' | 'removed', locale?: string, reason?: string) =>
    deviceChangeEmail(
      {
        kind,
        owner: owner(locale),
        device: { credentialId: 'c1', label: EVIL },
        at: AT,
        ...(reason ? { reason } : {}),
      },
      { realm: 'lab', realmDisplayName: 'Labo', accountUrl: ACCOUNT, cancelUrl: CANCEL },
    );

  test('device added and removed', () => {
    const fr = device('added', 'fr');
    expect(fr.subject).toBe('Un nouvel authentificateur a été ajouté à votre compte Labo');
    expect(fr.text).toContain('Bonjour ann,');
    expect(fr.text).toMatch(
      /L'authentificateur "http.*" a été ajouté à votre compte \(ann\) le 2 décembre 2026 .*09:05 UTC\./,
    );
    expect(fr.text).toContain("Ce n'était pas moi: https://sidecar.example.org/notice/cancel?t=abc&x=1");
    expectInert(fr);
    const de = device('removed', 'de-AT', 'removed by the user');
    expect(de.subject).toBe('Ein Authenticator wurde aus Ihrem Konto bei Labo entfernt');
    expect(de.text).toMatch(
      /wurde am 2\. Dezember 2026 .*09:05 UTC aus Ihrem Konto \(ann\) entfernt \(vom Benutzer entfernt\)\./,
    );
    expect(de.text).toContain('Das war ich nicht: ');
    expectInert(de);
    // A reason the sidecar does not know is shown as recorded.
    expect(device('removed', 'de', 'something else').text).toContain('(something else)');
    expect(device('added').dedupeKey).toBe(`device-added:lab:c1:${AT.getTime()}`);
  });

  test('the owner’s locale first, then the realm’s default, then English', () => {
    const email = (locale: string | undefined, realmDefaultLocale: string | undefined) =>
      deviceChangeEmail(
        { kind: 'added', owner: owner(locale), device: { credentialId: 'c1', label: null }, at: AT },
        { realm: 'lab', realmDisplayName: 'Labo', accountUrl: ACCOUNT, realmDefaultLocale },
      );
    expect(email('fr', 'de').subject).toMatch(/^Un nouvel authentificateur/);
    expect(email(undefined, 'de').subject).toMatch(/^Ein neuer Authenticator/);
    expect(email('pt-BR', 'fr').subject).toMatch(/^Un nouvel authentificateur/);
    expect(email(undefined, undefined).subject).toBe('A new authenticator was added to your Labo account');
    expect(email(undefined, 'de').text).toContain('Der Authenticator ohne Namen wurde');
  });

  test('reminder with its deadline as a date of the language', () => {
    const reminder = (locale: string) =>
      reminderEmail({
        realm: 'lab',
        userId: 'u1',
        username: 'ann',
        email: 'ann@example.org',
        locale,
        deadline: AT,
        accountUrl: ACCOUNT,
        now: AT,
      });
    const de = reminder('de');
    expect(de.subject).toBe('Richten Sie vor dem 2. Dezember 2026 die Zwei-Faktor-Authentifizierung ein');
    expect(de.text).toContain('Ab dem 2. Dezember 2026 benötigt Ihr Konto einen zweiten Faktor');
    expect(de.text).toContain(`Richten Sie ihn jetzt ein <${ACCOUNT}> (Kontosicherheit`);
    expect(de.html).toContain('Ab dem <strong>2. Dezember 2026</strong>');
    expect(de.html).toContain(`<a href="${ACCOUNT}">Richten Sie ihn jetzt ein</a> (Kontosicherheit`);
    const fr = reminder('fr');
    expect(fr.subject).toBe("Configurez l'authentification à deux facteurs avant le 2 décembre 2026");
    expect(reminder('en').subject).toBe('Set up two-factor authentication before December 2, 2026');
    expect(fr.dedupeKey).toBe('reminder:lab:u1:2026-12-02');
  });

  test('recovery retired, scheduled and stopped', () => {
    const input = (locale: string) => ({
      realm: 'lab',
      requestId: '7',
      owner: owner(locale),
      labels: [EVIL, null],
      realmDisplayName: 'Labo',
      accountUrl: ACCOUNT,
      cancelUrl: CANCEL,
    });
    const retired = retiredDevicesEmail(input('fr'));
    expect(retired.subject).toBe('Vos anciens authentificateurs ont été retirés de votre compte Labo');
    expect(retired.text).toContain('un authentificateur sans nom');
    expect(retired.text).toContain(`Votre compte: ${ACCOUNT}`);
    expectInert(retired);
    expect(retired.dedupeKey).toBe('recovery-retired:lab:7');
    const scheduled = retirementScheduledEmail({ ...input('de'), retireAt: AT });
    expect(scheduled.subject).toBe('Ihre alten Authenticatoren werden aus Ihrem Konto bei Labo entfernt');
    expect(scheduled.text).toMatch(/werden am 2\. Dezember 2026 .*09:05 UTC entfernt\./);
    expectInert(scheduled);
    const stopped = pendingRemovedEmail({ ...input('de'), why: 'expired' });
    expect(stopped.subject).toBe('Eine Wiederherstellung Ihres Kontos bei Labo wurde abgebrochen');
    expect(stopped.text).toContain('nicht rechtzeitig durch eine Anmeldung mit Ihrem Passwort bestätigt');
    expect(stopped.dedupeKey).toBe('recovery-expired:lab:7');
    expect(pendingRemovedEmail({ ...input('fr'), why: 'cancelled' }).text).toContain('la modification a été annulée');
  });

  test('account frozen', () => {
    const fr = frozenEmail({ realm: 'lab', tokenId: '3', realmDisplayName: 'Labo', deviceRemoved: true, locale: 'fr' });
    expect(fr.subject).toBe('Votre compte Labo a été gelé à votre demande');
    expect(fr.text).toMatch(/^Bonjour,\n\n.*retiré l'authentificateur ajouté lors de cette modification/);
    const de = frozenEmail({
      realm: 'lab',
      tokenId: '3',
      realmDisplayName: 'Labo',
      deviceRemoved: false,
      realmDefaultLocale: 'de',
    });
    expect(de.subject).toBe('Ihr Konto bei Labo wurde auf Ihren Wunsch eingefroren');
    expect(de.text).not.toContain('hinzugekommenen');
    expect(de.dedupeKey).toBe('notice-frozen:lab:3');
  });

  test('helpdesk change notice, the staff member’s reason escaped', () => {
    const email = (locale: string, interrupted = false) =>
      helpdeskActionEmail({
        realm: 'lab',
        auditId: 9,
        action: 'remove-device',
        username: 'ann',
        email: 'ann@example.org',
        locale,
        label: EVIL,
        reason: 'asked <by> phone',
        realmDisplayName: 'Labo',
        cancelUrl: CANCEL,
        interrupted,
      });
    const fr = email('fr');
    expect(fr.subject).toBe('Une modification de la connexion à votre compte Labo');
    expect(fr.text).toContain('Le support informatique a retiré l\'authentificateur "http:/ /evil');
    expect(fr.text).toContain('Motif indiqué : asked <by> phone');
    expect(fr.html).toContain('<br>Motif indiqué : asked &#60;by&#62; phone');
    expectInert(fr);
    expect(fr.dedupeKey).toBe('helpdesk:lab:9');
    expect(email('de', true).text).toContain('möglicherweise nicht abgeschlossen');
  });
});

test('helpdesk verification code: on a line of its own, in the user’s language', () => {
  const user = { id: 'u1', username: 'ann', email: 'ann@example.org', attributes: { locale: ['de'] } };
  const email = verificationCodeEmail('lab', 4, user, '042917', { realmName: 'Labo' });
  expect(email.subject).toBe('Ihr Bestätigungscode für den IT-Support von Labo');
  expect(email.text).toContain('Der IT-Support von Labo wurde gebeten');
  expect(/^\s+(\d{6})\s*$/m.exec(email.text)?.[1]).toBe('042917');
  expect(email.text).toContain('Er ist 10 Minuten gültig.');
  expect(email.dedupeKey).toBe('helpdesk-verification:lab:4');
  const fr = verificationCodeEmail('lab', 4, { ...user, attributes: {} }, '042917', {
    realmName: 'Labo',
    realmDefaultLocale: 'fr',
  });
  expect(fr.subject).toBe('Votre code de vérification pour le support informatique de Labo');
});
