import type { Messages } from '../shape.js';

// Espaces insécables (\u00a0) avant « : ? ! » et à l'intérieur des guillemets, comme le veut l'usage.
export const pages: Messages['pages'] = {
  shell: {
    backToSignIn: 'Retour à la connexion',
    lostPhonePage: 'Retour à la page «\u00a0Téléphone perdu\u00a0»',
  },
  recovery: {
    title: 'Téléphone perdu ou remplacé\u00a0?',
    identifier: 'Nom d’utilisateur ou adresse e-mail',
    submit: 'M’envoyer un lien de récupération',
    stepsHeading: 'Comment procéder',
    staffNoLink:
      'Les administrateurs et le personnel du support ne peuvent pas utiliser cette procédure\u00a0: contactez le support informatique.',
    forgotPasswordToo:
      'Vous avez aussi oublié votre mot de passe\u00a0? Cette page ne peut pas vous aider\u00a0: contactez le support informatique.',
    intro:
      'Saisissez votre nom d’utilisateur ou votre adresse e-mail. Si celui-ci correspond à un compte, nous vous envoyons un lien par e-mail (uniquement à votre adresse vérifiée). La réponse est la même, que nous ayons trouvé votre compte ou non.',
    step1:
      'Saisissez ci-dessous votre nom d’utilisateur ou votre adresse e-mail, puis sélectionnez «\u00a0M’envoyer un lien de récupération\u00a0».',
    step2:
      'Ouvrez l’e-mail de mise à jour de votre compte pendant sa durée de validité (indiquée dans l’e-mail), suivez son lien et confirmez pour continuer.',
    step3:
      'Ouvrez votre application d’authentification sur le nouveau téléphone, scannez le code QR, saisissez le code à 6\u00a0chiffres affiché par l’application et donnez un nom à l’appareil.',
    passwordAndEmailStep4:
      'Dans les {{minutes}}\u00a0minutes, revenez à l’application, sélectionnez «\u00a0Continuer vers la connexion\u00a0» et connectez-vous avec votre mot de passe et un code du nouveau téléphone. Ce n’est qu’à ce moment-là que votre ancien téléphone cesse de fonctionner et que vos autres sessions sont fermées. Si vous ne terminez pas à temps, le nouveau téléphone est retiré et vous devez recommencer.',
    emailOnlyStep4:
      'Choisissez un nouveau mot de passe. Votre ancienne application d’authentification est retirée après un délai d’attente\u00a0: nous vous prévenons d’abord par e-mail, et vous pouvez l’empêcher si ce n’était pas vous.',
    noLinks: 'Ce service n’envoie pas de lien en cas de perte de téléphone.',
    deviceAndEmailForgotPassword:
      'Vous avez oublié votre mot de passe mais vous avez toujours votre téléphone\u00a0? Utilisez «\u00a0Mot de passe oublié\u00a0?\u00a0» sur la page de connexion\u00a0: un code de votre téléphone vous sera demandé.',
    deviceAndEmailLostPhone: 'Vous avez perdu votre téléphone\u00a0? Contactez le support informatique.',
    helpdeskOnlyLostPhone:
      'Vous avez perdu votre téléphone\u00a0? Contactez le support informatique\u00a0: il vérifiera votre identité et enverra un lien de configuration à votre adresse e-mail vérifiée.',
  },
  answer: {
    title: 'Consultez vos e-mails',
    accepted:
      'Si un compte correspond, un e-mail contenant un lien de récupération est en route. Ce lien est valable pour une durée limitée.',
    next: 'Ouvrez cet e-mail et suivez son lien, puis poursuivez à l’étape\u00a03 de la page «\u00a0Téléphone perdu\u00a0».',
    nothingArrived:
      'Rien reçu après quelques minutes\u00a0? Vérifiez votre dossier de courrier indésirable, puis réessayez. Les administrateurs et le personnel du support ne reçoivent pas de lien\u00a0: contactez le support informatique.',
  },
  complete: {
    confirmTitle: 'Confirmez votre nouveau téléphone',
    confirmText:
      'Vous avez configuré un nouveau téléphone grâce à un lien de récupération ou au lien de configuration du support informatique. Pour terminer, connectez-vous avec votre mot de passe et un code du nouveau téléphone\u00a0: d’ici là, il n’est pas conservé. Vos éventuelles anciennes applications d’authentification seront alors retirées et vos autres sessions fermées.',
    notYouLead: 'Vous n’avez pas configuré de nouveau téléphone vous-même\u00a0?',
    notYou: 'Ne continuez pas\u00a0: quelqu’un lit peut-être vos e-mails. Contactez votre support informatique.',
    continue: 'Continuer vers la connexion',
    doneTitle: 'Récupération terminée',
    done: 'Votre nouvelle application d’authentification est confirmée. Les anciennes sont retirées (après le délai d’attente, si ce service en prévoit un) et vos autres sessions ont été fermées. Nous vous avons envoyé un e-mail.',
    nothingPendingTitle: 'Rien à confirmer',
    nothingPending:
      'Aucune nouvelle application d’authentification n’attend de confirmation sur ce compte, ou elle a été configurée il y a trop longtemps. Rien n’a été modifié. Si nécessaire, recommencez depuis la page «\u00a0Téléphone perdu\u00a0».',
    severalPendingTitle: 'Non confirmé',
    severalPending:
      'Plusieurs nouvelles applications d’authentification attendent une confirmation sur ce compte, et une connexion ne permet pas de savoir laquelle a fourni le code. Rien n’a été modifié\u00a0: elles seront retirées d’ici quelques minutes et nous vous enverrons alors un e-mail. Si vous ne les avez pas toutes configurées vous-même, quelqu’un lit peut-être vos e-mails\u00a0: changez le mot de passe de votre messagerie et contactez votre support informatique.',
    expiredTitle: 'Connexion non terminée',
    expired: 'La connexion n’a pas abouti. Rien n’a été modifié. Ouvrez de nouveau le lien reçu par e-mail.',
  },
  notice: {
    confirmTitle: 'Ce n’était pas moi',
    confirmText:
      'Une modification de la connexion à votre compte vous a été signalée par e-mail. Si vous n’en êtes pas l’auteur, confirmez ci-dessous\u00a0: nous fermons toutes vos sessions, retirons l’application d’authentification ajoutée par cette modification, arrêtons tout retrait prévu de vos applications d’authentification et signalons votre compte au support informatique.',
    freeze: 'Oui, bloquer mon compte',
    madeItYourself: 'Si vous avez fait cette modification vous-même, fermez cette page\u00a0: rien ne se passera.',
    frozenTitle: 'Compte bloqué',
    frozen:
      'C’est fait\u00a0: toutes vos sessions sont fermées et votre compte est signalé au support informatique. Changez votre mot de passe et contactez votre support informatique.',
    notValidTitle: 'Lien non valide',
    notValid:
      'Ce lien ne peut pas (ou plus) être utilisé. Un lien ne fonctionne qu’une fois, pendant quelques jours. Si la sécurité de votre compte vous inquiète, contactez votre support informatique.',
  },
};
