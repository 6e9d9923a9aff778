import type { Messages } from '../shape.js';

export const emails: Messages['emails'] = {
  greetingNoName: 'Bonjour,',
  unnamed: 'sans nom',
  cancel: {
    link: "Ce n'était pas moi",
    note: "(ouvre une page où vous confirmez ; le lien ne fonctionne qu'une fois, pendant quelques jours)",
  },
  reminder: {
    subject: "Configurez l'authentification à deux facteurs avant le {{day}}",
    needed:
      "À partir du {{day}}, votre compte exige un second facteur : un code à usage unique fourni par une application d'authentification (FreeOTP, Google Authenticator, Microsoft Authenticator) sur votre téléphone.",
    setUp:
      "{{link}} (Sécurité du compte > Connexion > Configurer l'application d'authentification), sinon cela vous sera demandé lors de votre première connexion après cette date.",
    setUpLink: 'Configurez-le dès maintenant',
    unexpected: "Si vous n'attendiez pas ce message, contactez votre support informatique.",
  },
  device: {
    addedSubject: 'Un nouvel authentificateur a été ajouté à votre compte {{realm}}',
    removedSubject: 'Un authentificateur a été retiré de votre compte {{realm}}',
    added: "L'authentificateur {{label}} a été ajouté à votre compte ({{username}}) le {{when}}.",
    removed: "L'authentificateur {{label}} a été retiré de votre compte ({{username}}) le {{when}}.",
    removedBecause:
      "L'authentificateur {{label}} a été retiré de votre compte ({{username}}) le {{when}} ({{reason}}).",
    guidance:
      "Si c'était vous, vous n'avez rien à faire. Sinon, contactez immédiatement votre support informatique : quelqu'un a peut-être accès à votre compte.",
    settingsLink: 'Les paramètres de sécurité de votre compte',
    reasons: {
      inKeycloak: 'retiré dans Keycloak',
      byUser: "retiré par l'utilisateur",
      byAdministrator: 'retiré par un administrateur',
      accountDeleted: 'compte supprimé',
    },
  },
  recovery: {
    guidance: "Si ce n'était pas vous, contactez immédiatement votre support informatique.",
    noName: 'un authentificateur sans nom',
    retiredSubject: 'Vos anciens authentificateurs ont été retirés de votre compte {{realm}}',
    retired:
      'Vous avez récupéré votre compte {{realm}} ({{username}}) avec un nouvel authentificateur. Les authentificateurs que vous aviez auparavant ont été retirés : {{labels}}. Toutes vos autres sessions ont été fermées.',
    scheduledSubject: 'Vos anciens authentificateurs seront retirés de votre compte {{realm}}',
    scheduled:
      "Un nouvel authentificateur a été configuré au moyen d'un lien de récupération sur votre compte {{realm}} ({{username}}). Les authentificateurs que vous aviez auparavant ({{labels}}) seront retirés le {{when}}.",
    scheduledGuidance:
      "Si ce n'était pas vous, contactez votre support informatique d'ici là : la modification peut encore être annulée.",
    stoppedSubject: 'Une récupération de votre compte {{realm}} a été interrompue',
    expired:
      "Un authentificateur ({{labels}}) a été configuré au moyen d'un lien de récupération sur votre compte {{realm}} ({{username}}), mais n'a pas été confirmé à temps par une connexion avec votre mot de passe. Il a été retiré ; vos autres authentificateurs ont été conservés.",
    cancelled:
      "Un authentificateur ({{labels}}) a été configuré au moyen d'un lien de récupération sur votre compte {{realm}} ({{username}}), et la modification a été annulée. Il a été retiré ; vos autres authentificateurs ont été conservés.",
    stoppedGuidance:
      "Si vous n'avez pas demandé de récupération, changez le mot de passe de votre messagerie et contactez votre support informatique.",
    expiredHelpdesk:
      "Un authentificateur ({{labels}}) a été configuré au moyen du lien de configuration du support informatique sur votre compte {{realm}} ({{username}}), mais n'a pas été confirmé à temps par une connexion avec votre mot de passe et le nouvel authentificateur. Il a été retiré.",
    cancelledHelpdesk:
      'Un authentificateur ({{labels}}) a été configuré au moyen du lien de configuration du support informatique sur votre compte {{realm}} ({{username}}), et la modification a été annulée. Il a été retiré.',
    helpdeskGuidance:
      "Si c'était vous, demandez un nouveau lien de configuration à votre support informatique. Sinon, changez le mot de passe de votre messagerie et contactez votre support informatique.",
    helpdeskScheduledSubject: 'Un nouvel authentificateur sur votre compte {{realm}}',
    helpdeskScheduled:
      "Un nouvel authentificateur a été configuré au moyen du lien de configuration du support informatique sur votre compte {{realm}} ({{username}}). Il est conservé à partir du {{when}} ; d'ici là, la modification peut être annulée.",
  },
  frozen: {
    subject: 'Votre compte {{realm}} a été gelé à votre demande',
    done: "Vous nous avez signalé qu'une modification de la connexion à votre compte ne venait pas de vous. Nous avons fermé toutes vos sessions, arrêté tout retrait en attente de vos authentificateurs et signalé votre compte au support informatique.",
    doneWithDevice:
      "Vous nous avez signalé qu'une modification de la connexion à votre compte ne venait pas de vous. Nous avons fermé toutes vos sessions, retiré l'authentificateur ajouté lors de cette modification, arrêté tout retrait en attente de vos authentificateurs et signalé votre compte au support informatique.",
    next: 'Changez votre mot de passe dès maintenant et contactez votre support informatique : il vérifiera votre compte avec vous avant toute autre modification.',
  },
  helpdesk: {
    subject: 'Une modification de la connexion à votre compte {{realm}}',
    removeDevice: "Le support informatique a retiré l'authentificateur {{label}} de votre compte.",
    resetOtp:
      "Le support informatique a retiré tous les authentificateurs de votre compte. Nous vous avons envoyé un autre e-mail contenant un lien pour en configurer un nouveau : tant que vous ne l'avez pas utilisé, votre mot de passe seul ne suffit pas pour vous connecter.",
    sendSetupEmail: 'Le support informatique vous a envoyé un e-mail pour configurer votre authentificateur.',
    interrupted:
      "Le support informatique a commencé une modification des authentificateurs de votre compte ; elle n'a peut-être pas abouti. Vérifiez-les sur la page de votre compte.",
    completeNext:
      "Après avoir configuré le nouvel authentificateur avec ce lien, connectez-vous sur {{url}} avec votre mot de passe et un code du nouvel authentificateur dans les {{minutes}} minutes : ce n'est qu'alors qu'il est conservé. Sinon, il est retiré et vous pouvez demander un nouveau lien au support informatique.",
    reason: 'Motif indiqué : {{reason}}',
    guidance: "Si vous n'avez rien demandé, contactez immédiatement votre support informatique.",
  },
  verification: {
    subject: 'Votre code de vérification pour le support informatique de {{realm}}',
    asked:
      'Le support informatique de {{realm}} a été sollicité pour modifier votre mode de connexion. Si vous êtes en ce moment en contact avec lui, lisez-lui ce code :',
    validity:
      "Il est valable {{minutes}} minutes. Si vous n'avez pas contacté le support informatique, ne donnez ce code à personne : la personne qui vous le demande se fait passer pour vous.",
  },
};
