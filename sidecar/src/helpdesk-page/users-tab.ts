/**
 * The Users tab's HTML in the staff member's language: find a user, their devices and audit trail, the
 * confirmation dialog for a change, and the words assets/app.js shows. Those travel as a JSON data block
 * (`<script type="application/json">`): the browser never runs it, so the CSP's `script-src 'self'` holds,
 * and app.js reads it with JSON.parse and writes every text with textContent.
 */
import { MESSAGES, type MessageKey, type Translator } from '../i18n/index.js';
import { escapeHtml } from '../util/html.js';

/** JSON safe inside a script element: no `<` can end it or open a comment. */
const jsonInHtml = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

/** What app.js needs: its texts and the API's error codes in words, with `{{name}}` left for it to fill. */
export const scriptMessages = (t: Translator) => {
  const { app, errors } = MESSAGES[t.locale].staff;
  return `<script type="application/json" id="staff-messages">${jsonInHtml({ app, errors })}</script>`;
};

/** A translator's words, escaped for HTML. */
const wordsOf = (t: Translator) => (key: MessageKey) => escapeHtml(t.t(key));

export const usersTab = (t: Translator) => {
  const w = wordsOf(t);
  const th = (key: MessageKey) => `<th scope="col">${w(key)}</th>`;
  return `<h2 class="sr-only">${w('staff.users.heading')}</h2>
<form id="search-form" role="search">
<label for="search">${w('staff.users.searchLabel')}</label>
<input id="search" name="search" type="search" required maxlength="100" autocomplete="off">
<button type="submit">${w('staff.users.search')}</button>
</form>
<p id="status" role="status" aria-live="polite"></p>
<section id="results" hidden aria-labelledby="results-title"><h2 id="results-title" tabindex="-1">${w('staff.users.resultsTitle')}</h2>
<table><thead><tr>${th('staff.users.username')}${th('staff.users.name')}${th('staff.users.email')}
${th('staff.users.otp')}</tr></thead><tbody></tbody></table></section>
<section id="user" hidden aria-labelledby="user-title"><h2 id="user-title" tabindex="-1"></h2><p id="user-summary"></p>
<h3 id="devices-title">${w('staff.users.devices')}</h3>
<table id="devices" aria-labelledby="devices-title"><thead><tr>${th('staff.users.deviceName')}${th('staff.users.created')}
${th('staff.users.lastSeen')}${th('staff.users.status')}<th scope="col"><span class="sr-only">${w('staff.users.action')}</span></th></tr></thead>
<tbody></tbody></table>
<p><button type="button" id="reset-otp" class="danger">${w('staff.users.resetOtp')}</button>
<button type="button" id="send-setup">${w('staff.users.sendSetup')}</button></p>
<h3 id="audit-title">${w('staff.users.audit')}</h3>
<table id="audit" aria-labelledby="audit-title"><thead><tr>${th('staff.users.when')}${th('staff.users.staff')}${th('staff.users.action')}
${th('staff.users.reason')}${th('staff.users.ticket')}${th('staff.users.result')}</tr></thead><tbody></tbody></table>
</section>`;
};

export const confirmDialog = (t: Translator) => {
  const w = wordsOf(t);
  return `<dialog id="confirm" aria-labelledby="confirm-title" aria-describedby="confirm-text">
<form id="confirm-form" method="dialog">
<h2 id="confirm-title"></h2><p id="confirm-text"></p>
<label for="ticket">${w('staff.dialog.ticketLabel')}</label>
<input id="ticket" name="ticket" required maxlength="100" autocomplete="off">
<label for="reason">${w('staff.dialog.reasonLabel')}</label>
<textarea id="reason" name="reason" required minlength="15" maxlength="500" rows="3"></textarea>
<fieldset id="verify-row"><legend>${w('staff.dialog.verifyLegend')}</legend>
<p>${w('staff.dialog.verifyText')}</p>
<button type="button" id="send-code">${w('staff.dialog.sendCode')}</button>
<p id="code-status" role="status"></p>
<label for="code">${w('staff.dialog.codeLabel')}</label>
<input id="code" name="code" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" autocomplete="off"></fieldset>
<p id="confirm-error" role="alert"></p>
<p class="actions"><button type="button" id="confirm-cancel">${w('staff.dialog.cancel')}</button>
<button type="submit" id="confirm-submit" class="danger"></button></p>
</form></dialog>
${scriptMessages(t)}
<script type="module" src="/helpdesk/app.js"></script>`;
};
