/** The tests' SMTP server: the same mail catcher `npm start` runs on embedded defaults. */
export {
  linkIn,
  type MailCatcher,
  type ReceivedMail,
  startMailCatcher,
} from '../../embedded/src/mail-catcher.js';
