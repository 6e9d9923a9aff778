/** The end-user pages without a server: every level in every language, escaping, the frame's parts. */
import { renderPage } from '../../../sidecar/src/end-user-pages/page-shell.js';
import { END_USER_CSS, END_USER_CSS_PATH } from '../../../sidecar/src/end-user-pages/stylesheet.js';
import { LOCALES, translatorFor } from '../../../sidecar/src/i18n/index.js';
import { confirmPage } from '../../../sidecar/src/notices/notice-pages.js';
import { completionPage, confirmStartPage, recoveryPage } from '../../../sidecar/src/recovery/recovery-pages.js';

const frame = { realmDisplayName: 'Lab <b>"R&D"</b>', signInUrl: 'https://kc.example/realms/lab/account/' };
const LEVELS = ['password-and-email', 'email-only', 'device-and-email', 'helpdesk-only'] as const;

test.each(LOCALES)(
  '%s: every level and page is whole — no key left untranslated, the steps where a link is sent',
  (locale) => {
    const t = translatorFor(locale);
    for (const level of LEVELS) {
      const html = renderPage(t, frame, recoveryPage(t, { level, completionWindowMinutes: 20 }));
      expect(html).toContain(`<html lang="${locale}">`);
      expect(html).not.toMatch(/pages\.\w+\.\w+|\{\{/);
      const sendsLinks = level === 'password-and-email' || level === 'email-only';
      expect([level, (html.match(/<li>/g) ?? []).length, html.includes('<form')]).toEqual([
        level,
        sendsLinks ? 5 : 1,
        sendsLinks,
      ]);
      if (level === 'password-and-email') expect(html).toContain('20');
    }
    for (const page of [
      confirmStartPage(t),
      completionPage(t, 'done'),
      completionPage(t, 'expired'),
      confirmPage(t, 'x'),
    ])
      expect(renderPage(t, frame, page)).not.toMatch(/pages\.\w+\.\w+|\{\{/);
  },
);

test('text is escaped: the realm name, the token in the form', () => {
  const t = translatorFor('en');
  const html = renderPage(t, frame, confirmPage(t, '"><script>x</script>'));
  expect(html).toContain('Lab &#60;b&#62;&#34;R&#38;D&#34;&#60;/b&#62;');
  expect(html).not.toContain('<script>');
  expect(html).toContain(`<a href="${frame.signInUrl}">Back to sign-in</a>`);
});

test('the stylesheet is linked under a name that changes with its content', () => {
  expect(renderPage(translatorFor('de'), frame, confirmStartPage(translatorFor('de')))).toContain(
    `<link rel="stylesheet" href="${END_USER_CSS_PATH}">`,
  );
  expect(END_USER_CSS).toContain('.button');
});
