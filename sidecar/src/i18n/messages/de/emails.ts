import type { Messages } from '../shape.js';

export const emails: Messages['emails'] = {
  greetingNoName: 'Hallo,',
  unnamed: 'ohne Namen',
  cancel: {
    link: 'Das war ich nicht',
    note: '(öffnet eine Seite, auf der Sie bestätigen; der Link funktioniert nur einmal und nur einige Tage lang)',
  },
  reminder: {
    subject: 'Richten Sie vor dem {{day}} die Zwei-Faktor-Authentifizierung ein',
    needed:
      'Ab dem {{day}} benötigt Ihr Konto einen zweiten Faktor: einen Einmalcode aus einer Authenticator-App (FreeOTP, Google Authenticator, Microsoft Authenticator) auf Ihrem Telefon.',
    setUp:
      '{{link}} (Kontosicherheit > Anmeldung > Authenticator-Anwendung einrichten), sonst werden Sie bei Ihrer ersten Anmeldung nach diesem Datum dazu aufgefordert.',
    setUpLink: 'Richten Sie ihn jetzt ein',
    unexpected: 'Wenn Sie diese E-Mail nicht erwartet haben, wenden Sie sich an Ihren IT-Support.',
  },
  device: {
    addedSubject: 'Ein neuer Authenticator wurde Ihrem Konto bei {{realm}} hinzugefügt',
    removedSubject: 'Ein Authenticator wurde aus Ihrem Konto bei {{realm}} entfernt',
    added: 'Der Authenticator {{label}} wurde am {{when}} Ihrem Konto ({{username}}) hinzugefügt.',
    removed: 'Der Authenticator {{label}} wurde am {{when}} aus Ihrem Konto ({{username}}) entfernt.',
    removedBecause:
      'Der Authenticator {{label}} wurde am {{when}} aus Ihrem Konto ({{username}}) entfernt ({{reason}}).',
    guidance:
      'Wenn Sie das waren, müssen Sie nichts tun. Wenn nicht, wenden Sie sich sofort an Ihren IT-Support: Möglicherweise hat jemand Zugriff auf Ihr Konto.',
    settingsLink: 'Die Sicherheitseinstellungen Ihres Kontos',
    reasons: {
      inKeycloak: 'in Keycloak entfernt',
      byUser: 'vom Benutzer entfernt',
      byAdministrator: 'von einem Administrator entfernt',
      accountDeleted: 'Konto gelöscht',
    },
  },
  recovery: {
    guidance: 'Wenn Sie das nicht waren, wenden Sie sich sofort an Ihren IT-Support.',
    noName: 'ein Authenticator ohne Namen',
    retiredSubject: 'Ihre alten Authenticatoren wurden aus Ihrem Konto bei {{realm}} entfernt',
    retired:
      'Sie haben Ihr Konto bei {{realm}} ({{username}}) mit einem neuen Authenticator wiederhergestellt. Ihre bisherigen Authenticatoren wurden entfernt: {{labels}}. Überall sonst wurden Sie abgemeldet.',
    scheduledSubject: 'Ihre alten Authenticatoren werden aus Ihrem Konto bei {{realm}} entfernt',
    scheduled:
      'Über einen Wiederherstellungslink wurde in Ihrem Konto bei {{realm}} ({{username}}) ein neuer Authenticator eingerichtet. Ihre bisherigen Authenticatoren ({{labels}}) werden am {{when}} entfernt.',
    scheduledGuidance:
      'Wenn Sie das nicht waren, wenden Sie sich vorher an Ihren IT-Support: Die Änderung kann noch gestoppt werden.',
    stoppedSubject: 'Eine Wiederherstellung Ihres Kontos bei {{realm}} wurde abgebrochen',
    expired:
      'Über einen Wiederherstellungslink wurde in Ihrem Konto bei {{realm}} ({{username}}) ein Authenticator ({{labels}}) eingerichtet, aber nicht rechtzeitig durch eine Anmeldung mit Ihrem Passwort bestätigt. Er wurde entfernt; Ihre anderen Authenticatoren bleiben erhalten.',
    cancelled:
      'Über einen Wiederherstellungslink wurde in Ihrem Konto bei {{realm}} ({{username}}) ein Authenticator ({{labels}}) eingerichtet, und die Änderung wurde gestoppt. Er wurde entfernt; Ihre anderen Authenticatoren bleiben erhalten.',
    stoppedGuidance:
      'Wenn Sie keine Wiederherstellung angefordert haben, ändern Sie das Passwort Ihres E-Mail-Postfachs und wenden Sie sich an Ihren IT-Support.',
    expiredHelpdesk:
      'Über den Einrichtungslink des IT-Supports wurde in Ihrem Konto bei {{realm}} ({{username}}) ein Authenticator ({{labels}}) eingerichtet, aber nicht rechtzeitig durch eine Anmeldung mit Ihrem Passwort und dem neuen Authenticator bestätigt. Er wurde entfernt.',
    cancelledHelpdesk:
      'Über den Einrichtungslink des IT-Supports wurde in Ihrem Konto bei {{realm}} ({{username}}) ein Authenticator ({{labels}}) eingerichtet, und die Änderung wurde gestoppt. Er wurde entfernt.',
    helpdeskGuidance:
      'Wenn Sie das waren, bitten Sie Ihren IT-Support um einen neuen Einrichtungslink. Wenn nicht, ändern Sie das Passwort Ihres E-Mail-Postfachs und wenden Sie sich an Ihren IT-Support.',
    helpdeskScheduledSubject: 'Ein neuer Authenticator in Ihrem Konto bei {{realm}}',
    helpdeskScheduled:
      'Über den Einrichtungslink des IT-Supports wurde in Ihrem Konto bei {{realm}} ({{username}}) ein neuer Authenticator eingerichtet. Er bleibt ab {{when}} erhalten; bis dahin kann die Änderung gestoppt werden.',
  },
  frozen: {
    subject: 'Ihr Konto bei {{realm}} wurde auf Ihren Wunsch eingefroren',
    done: 'Sie haben uns mitgeteilt, dass eine Änderung an der Anmeldung zu Ihrem Konto nicht von Ihnen stammt. Wir haben Sie überall abgemeldet, jede ausstehende Entfernung Ihrer Authenticatoren gestoppt und Ihr Konto für den IT-Support markiert.',
    doneWithDevice:
      'Sie haben uns mitgeteilt, dass eine Änderung an der Anmeldung zu Ihrem Konto nicht von Ihnen stammt. Wir haben Sie überall abgemeldet, den mit dieser Änderung hinzugekommenen Authenticator entfernt, jede ausstehende Entfernung Ihrer Authenticatoren gestoppt und Ihr Konto für den IT-Support markiert.',
    next: 'Ändern Sie jetzt Ihr Passwort und wenden Sie sich an Ihren IT-Support: Er prüft Ihr Konto gemeinsam mit Ihnen, bevor sich sonst etwas ändert.',
  },
  helpdesk: {
    subject: 'Eine Änderung an der Anmeldung zu Ihrem Konto bei {{realm}}',
    removeDevice: 'Der IT-Support hat den Authenticator {{label}} aus Ihrem Konto entfernt.',
    resetOtp:
      'Der IT-Support hat alle Authenticatoren aus Ihrem Konto entfernt. Wir haben Ihnen in einer separaten E-Mail einen Link zum Einrichten eines neuen geschickt: Solange Sie ihn nicht verwendet haben, können Sie sich nicht allein mit Ihrem Passwort anmelden.',
    sendSetupEmail: 'Der IT-Support hat Ihnen eine E-Mail zum Einrichten Ihres Authenticators geschickt.',
    interrupted:
      'Der IT-Support hat eine Änderung an den Authenticatoren Ihres Kontos begonnen; sie wurde möglicherweise nicht abgeschlossen. Prüfen Sie sie auf der Seite Ihres Kontos.',
    completeNext:
      'Nachdem Sie den neuen Authenticator über diesen Link eingerichtet haben, melden Sie sich innerhalb von {{minutes}} Minuten unter {{url}} mit Ihrem Passwort und einem Code des neuen Authenticators an: Erst dann bleibt er erhalten. Sonst wird er entfernt, und Sie können den IT-Support um einen neuen Link bitten.',
    reason: 'Angegebener Grund: {{reason}}',
    guidance: 'Wenn Sie das nicht veranlasst haben, wenden Sie sich sofort an Ihren IT-Support.',
  },
  verification: {
    subject: 'Ihr Bestätigungscode für den IT-Support von {{realm}}',
    asked:
      'Der IT-Support von {{realm}} wurde gebeten, Ihre Anmeldung zu ändern. Wenn Sie gerade mit dem IT-Support sprechen, lesen Sie ihm diesen Code vor:',
    validity:
      'Er ist {{minutes}} Minuten gültig. Wenn Sie sich nicht an den IT-Support gewandt haben, geben Sie diesen Code niemandem: Wer danach fragt, gibt sich als Sie aus.',
  },
};
