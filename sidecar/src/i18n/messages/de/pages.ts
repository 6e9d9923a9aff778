import type { Messages } from '../shape.js';

export const pages: Messages['pages'] = {
  shell: {
    backToSignIn: 'Zurück zur Anmeldung',
    lostPhonePage: 'Zurück zur Seite „Telefon verloren“',
  },
  recovery: {
    title: 'Telefon verloren oder ersetzt?',
    identifier: 'Benutzername oder E-Mail-Adresse',
    submit: 'Wiederherstellungslink senden',
    stepsHeading: 'So gehen Sie vor',
    staffNoLink:
      'Administratoren und Helpdesk-Mitarbeitende können diesen Weg nicht nutzen: Wenden Sie sich an den Helpdesk.',
    forgotPasswordToo:
      'Haben Sie auch Ihr Passwort vergessen? Dann hilft Ihnen diese Seite nicht weiter: Wenden Sie sich an den Helpdesk.',
    intro:
      'Geben Sie Ihren Benutzernamen oder Ihre E-Mail-Adresse ein. Gehört dazu ein Konto, senden wir Ihnen einen Link per E-Mail (nur an Ihre bestätigte Adresse). Die Antwort ist dieselbe, ob wir Ihr Konto gefunden haben oder nicht.',
    step1:
      'Geben Sie unten Ihren Benutzernamen oder Ihre E-Mail-Adresse ein und wählen Sie „Wiederherstellungslink senden“.',
    step2:
      'Öffnen Sie die E-Mail zur Aktualisierung Ihres Kontos innerhalb ihrer Gültigkeit (die E-Mail nennt die Dauer), folgen Sie dem Link und bestätigen Sie, um fortzufahren.',
    step3:
      'Öffnen Sie Ihre Authenticator-App auf dem neuen Telefon, scannen Sie den QR-Code, geben Sie den 6-stelligen Code aus der App ein und geben Sie dem Gerät einen Namen.',
    passwordAndEmailStep4:
      'Kehren Sie innerhalb von {{minutes}} Minuten zur Anwendung zurück, wählen Sie „Weiter zur Anmeldung“ und melden Sie sich mit Ihrem Passwort und einem Code des neuen Telefons an. Erst dann funktioniert Ihr altes Telefon nicht mehr, und Sie werden überall sonst abgemeldet. Schließen Sie den Vorgang nicht rechtzeitig ab, wird das neue Telefon wieder entfernt und Sie beginnen von vorn.',
    emailOnlyStep4:
      'Wählen Sie ein neues Passwort. Ihr alter Authenticator wird nach einer Wartezeit entfernt: Wir informieren Sie vorher per E-Mail, und Sie können das Entfernen stoppen, falls Sie es nicht waren.',
    noLinks: 'Dieser Dienst versendet keine Links bei verlorenem Telefon.',
    deviceAndEmailForgotPassword:
      'Passwort vergessen, aber Ihr Telefon noch zur Hand? Nutzen Sie „Passwort vergessen?“ auf der Anmeldeseite: Sie werden nach einem Code von Ihrem Telefon gefragt.',
    deviceAndEmailLostPhone: 'Telefon verloren? Wenden Sie sich an den Helpdesk.',
    helpdeskOnlyLostPhone:
      'Telefon verloren? Wenden Sie sich an den Helpdesk: Dort wird Ihre Identität geprüft und ein Einrichtungslink an Ihre bestätigte E-Mail-Adresse gesendet.',
  },
  answer: {
    title: 'Prüfen Sie Ihre E-Mails',
    accepted:
      'Falls ein Konto passt, ist eine E-Mail mit einem Wiederherstellungslink unterwegs. Der Link ist nur begrenzte Zeit gültig.',
    next: 'Öffnen Sie die E-Mail, folgen Sie dem Link und fahren Sie dann mit Schritt 3 der Seite „Telefon verloren“ fort.',
    nothingArrived:
      'Nach einigen Minuten noch nichts angekommen? Sehen Sie in Ihrem Spam-Ordner nach und versuchen Sie es dann erneut. Administratoren und Helpdesk-Mitarbeitende erhalten keinen Link: Wenden Sie sich an den Helpdesk.',
  },
  complete: {
    confirmTitle: 'Neues Telefon bestätigen',
    confirmText:
      'Sie haben über einen Wiederherstellungslink oder den Einrichtungslink des IT-Supports ein neues Telefon eingerichtet. Melden Sie sich zum Abschluss mit Ihrem Passwort und einem Code des neuen Telefons an: Erst dann bleibt es erhalten. Danach werden etwaige alte Authenticatoren entfernt, und Sie werden überall sonst abgemeldet.',
    notYouLead: 'Sie haben kein neues Telefon eingerichtet?',
    notYou: 'Fahren Sie nicht fort: Möglicherweise liest jemand Ihre E-Mails. Wenden Sie sich an Ihren Helpdesk.',
    continue: 'Weiter zur Anmeldung',
    doneTitle: 'Wiederherstellung abgeschlossen',
    done: 'Ihr neuer Authenticator ist bestätigt. Ihre alten Authenticatoren werden entfernt (nach der Wartezeit, falls dieser Dienst eine vorsieht), und Sie wurden überall sonst abgemeldet. Wir haben Ihnen eine E-Mail gesendet.',
    nothingPendingTitle: 'Nichts zu bestätigen',
    nothingPending:
      'Für dieses Konto wartet kein neuer Authenticator auf Bestätigung, oder er wurde vor zu langer Zeit eingerichtet. Es wurde nichts geändert. Beginnen Sie bei Bedarf erneut auf der Seite „Telefon verloren“.',
    severalPendingTitle: 'Nicht bestätigt',
    severalPending:
      'Für dieses Konto warten mehrere neue Authenticatoren auf Bestätigung, und eine Anmeldung kann nicht erkennen, welcher den Code geliefert hat. Es wurde nichts geändert: Sie werden in wenigen Minuten entfernt, und wir senden Ihnen dann eine E-Mail. Wenn Sie nicht alle selbst eingerichtet haben, liest möglicherweise jemand Ihre E-Mails: Ändern Sie das Passwort Ihres E-Mail-Kontos und wenden Sie sich an Ihren Helpdesk.',
    expiredTitle: 'Anmeldung nicht abgeschlossen',
    expired:
      'Die Anmeldung wurde nicht abgeschlossen. Es wurde nichts geändert. Öffnen Sie den Link aus Ihrer E-Mail erneut.',
  },
  notice: {
    confirmTitle: 'Das war ich nicht',
    confirmText:
      'Per E-Mail wurde Ihnen eine Änderung an der Anmeldung zu Ihrem Konto mitgeteilt. Falls Sie diese nicht vorgenommen haben, bestätigen Sie unten: Wir melden Sie überall ab, entfernen den mit der Änderung hinzugekommenen Authenticator, stoppen jedes anstehende Entfernen Ihrer Authenticatoren und markieren Ihr Konto für den Helpdesk.',
    freeze: 'Ja, mein Konto sperren',
    madeItYourself: 'Wenn Sie die Änderung selbst vorgenommen haben, schließen Sie diese Seite: Es passiert nichts.',
    frozenTitle: 'Konto gesperrt',
    frozen:
      'Erledigt: Sie sind überall abgemeldet, und Ihr Konto ist für den Helpdesk markiert. Ändern Sie Ihr Passwort und wenden Sie sich an Ihren Helpdesk.',
    notValidTitle: 'Link ungültig',
    notValid:
      'Dieser Link kann nicht (mehr) verwendet werden. Links funktionieren nur einmal und nur wenige Tage lang. Wenn Sie sich um Ihr Konto sorgen, wenden Sie sich an Ihren Helpdesk.',
  },
};
