/** The tests' SMTP server: the same mail catcher `npm start` runs on embedded defaults. */
export {
  linkIn,
  type MailCatcher,
  type ReceivedMail,
  startMailCatcher,
} from '../../sidecar/src/embedded/mail-catcher.js';
