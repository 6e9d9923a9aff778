/** The helpdesk page in a language, without servers: the frame, the words block app.js reads, every API error code in words. */
import { readdirSync, readFileSync } from 'node:fs';
import { staffPage } from '../../../sidecar/src/helpdesk-page/shell.js';
import { confirmDialog, scriptMessages } from '../../../sidecar/src/helpdesk-page/users-tab.js';
import { LOCALES, MESSAGES, translatorFor } from '../../../sidecar/src/i18n/index.js';

const blockOf = (html: string) =>
  /<script type="application\/json" id="staff-messages">([^<]*)<\/script>/.exec(html)?.[1] as string;

test.each(LOCALES)('%s: app.js gets its words and the error codes as a JSON block that nothing can close', (locale) => {
  const t = translatorFor(locale);
  const json = blockOf(confirmDialog(t));
  expect(JSON.parse(json)).toEqual({ app: MESSAGES[locale].staff.app, errors: MESSAGES[locale].staff.errors });
  // The block holds no `<` (a text with one is written \u003c), so no text can end it or open a comment.
  expect(blockOf(scriptMessages(t))).toBe(json);
});

test('the frame is in the language asked for, with what users typed escaped', () => {
  const html = staffPage(
    {
      t: translatorFor('de'),
      realm: 'Labor <b>',
      username: '"><img src=x>',
      csrf: 'c',
      current: 'users',
      rolloutTab: true,
    },
    '<p>main</p>',
  );
  expect(html).toContain('<html lang="de">');
  expect(html).toContain('<title>Benutzer — OTP-Helpdesk — Labor &#60;b&#62;</title>');
  expect(html).toContain('aria-label="Bereiche des Helpdesks"');
  expect(html).toContain('<a href="/helpdesk/rollout">Einführung</a>');
  expect(html).not.toContain('<img');
});

test('every error code the helpdesk API answers with has words in every language', () => {
  const sources = ['helpdesk', 'helpdesk-page', 'http'].flatMap((folder) =>
    readdirSync(`sidecar/src/${folder}`)
      .filter((name) => name.endsWith('.ts'))
      .map((name) => readFileSync(`sidecar/src/${folder}/${name}`, 'utf8')),
  );
  const codes = new Set(
    sources.flatMap((source) => [...source.matchAll(/ApiError\(\s*\d+,\s*'([a-z_]+)'/g)].map((m) => m[1] as string)),
  );
  expect(codes.size).toBeGreaterThan(15);
  // Built at run time: the verification refusals and a dependency that is down.
  for (const code of ['wrong', 'expired', 'used', 'too_many_tries', 'unknown']) codes.add(`verification_${code}`);
  codes.add('store_unavailable');
  for (const locale of LOCALES) expect([...codes].filter((c) => !(c in MESSAGES[locale].staff.errors))).toEqual([]);
});
