/** Languages: which one a person gets (locales.ts) and the sidecar's words in it (translator.ts). */
export {
  FALLBACK_LOCALE,
  isLocale,
  LOCALES,
  type Locale,
  type LocaleHints,
  pickLocale,
  pickRequestLocale,
} from './locales.js';
export type { MessageKey, Messages } from './messages/shape.js';
export { MESSAGES, type Translator, translatorFor } from './translator.js';
