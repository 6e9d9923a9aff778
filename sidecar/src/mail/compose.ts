/**
 * Every email of the sidecar has one shape: a greeting, what happened, what to do, a link to the account,
 * the "This wasn't me" paragraph — in the addressee's language, once as plain text and once as HTML. The
 * builders (device-email.ts, recovery-email.ts, …) give only their message keys and values; the words are
 * translated here and escaped for HTML here, so no builder writes markup. Values (usernames, device names,
 * reasons) are plain text: a device name arrives already inert (notices/inert-text.ts).
 */
import { type MessageKey, pickLocale, type Translator, translatorFor } from '../i18n/index.js';
import { escapeHtml } from '../util/html.js';

/** Whom an email is about and for: the account's name, its address, its `locale` attribute (when set). */
export interface Addressee {
  username: string;
  email?: string | undefined;
  /** Keycloak's user attribute `locale` (kept when the realm has internationalization on) */
  locale?: string | undefined;
}

/** The realm's default locale, read when an email is built (keycloak/realm-settings.ts, cached). */
export type RealmDefaultLocale = () => Promise<string | undefined>;

/** The addressee's language: their `locale` attribute, else the realm's default locale, else English. */
export const translatorOf = (userLocale: string | undefined, realmDefault: string | undefined): Translator =>
  translatorFor(pickLocale({ userLocale, realmDefault }));

/** A stretch of a paragraph: text, text set off (a date), or a link on words. */
export type Segment = string | { strong: string } | { link: string; url: string };

/** A paragraph: text (a line break stays a line break), segments, or a code to read out on its own line. */
export type Paragraph = string | Segment[] | { code: string };

export interface EmailContent {
  subject: string;
  /** greets the account by name; without it the greeting names nobody */
  username?: string | undefined;
  paragraphs: Paragraph[];
  /** a closing link, e.g. to the account console */
  link?: { label: string; url: string } | undefined;
  /** "This wasn't me" (notices/) */
  cancelUrl?: string | undefined;
}

export interface ComposedEmail {
  subject: string;
  text: string;
  html: string;
}

/** Where a placeholder's value is replaced by a segment: NUL is never in a message, and is taken out of values. */
const MARK = '\u0000';

/**
 * A message whose placeholders named in `marks` become segments (a date in bold, words that are a link),
 * the others filled in as text. `t.t(key, …)` alone serves messages without marks.
 */
export const phrase = (
  t: Translator,
  key: MessageKey,
  values: Record<string, string | number>,
  marks: Record<string, Exclude<Segment, string>>,
): Segment[] => {
  const clean = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v).replaceAll(MARK, '')]));
  const marked = Object.fromEntries(Object.keys(marks).map((name) => [name, `${MARK}${name}${MARK}`]));
  const parts = t.t(key, { ...clean, ...marked }).split(MARK);
  // Odd parts are the names of marks, since values hold no NUL.
  return parts.map((part, index) => (index % 2 === 1 ? (marks[part] ?? part) : part)).filter((part) => part !== '');
};

const segmentText = (segment: Segment) =>
  typeof segment === 'string' ? segment : 'strong' in segment ? segment.strong : `${segment.link} <${segment.url}>`;

const segmentHtml = (segment: Segment) => {
  if (typeof segment === 'string') return escapeHtml(segment).replaceAll('\n', '<br>');
  if ('strong' in segment) return `<strong>${escapeHtml(segment.strong)}</strong>`;
  return `<a href="${escapeHtml(segment.url)}">${escapeHtml(segment.link)}</a>`;
};

const asText = (paragraph: Paragraph) =>
  typeof paragraph === 'string'
    ? paragraph
    : Array.isArray(paragraph)
      ? paragraph.map(segmentText).join('')
      : `    ${paragraph.code}`;

const asHtml = (paragraph: Paragraph) =>
  typeof paragraph === 'string'
    ? `<p>${segmentHtml(paragraph)}</p>`
    : Array.isArray(paragraph)
      ? `<p>${paragraph.map(segmentHtml).join('')}</p>`
      : `<p><strong style="font-size:1.4em;letter-spacing:0.2em">${escapeHtml(paragraph.code)}</strong></p>`;

export const composeEmail = (t: Translator, content: EmailContent): ComposedEmail => {
  const greeting =
    content.username === undefined
      ? t.t('emails.greetingNoName')
      : t.t('common.greeting', { username: content.username });
  const { link, cancelUrl } = content;
  const cancel = cancelUrl ? { link: t.t('emails.cancel.link'), note: t.t('emails.cancel.note') } : undefined;
  const text = [
    greeting,
    ...content.paragraphs.map(asText),
    ...(link ? [`${link.label}: ${link.url}`] : []),
    ...(cancel ? [`${cancel.link}: ${cancelUrl}\n${cancel.note}`] : []),
  ].join('\n\n');
  const html = [
    asHtml(greeting),
    ...content.paragraphs.map(asHtml),
    ...(link ? [asHtml([{ link: link.label, url: link.url }])] : []),
    ...(cancel ? [asHtml([{ link: cancel.link, url: cancelUrl as string }, ` ${cancel.note}`])] : []),
  ].join('\n');
  return { subject: content.subject, text: `${text}\n`, html: `<div lang="${t.locale}">\n${html}\n</div>` };
};
