// The helpdesk page's script: calls /api/v1/helpdesk with the session cookie and the CSRF token, and
// renders with textContent only, so names and labels typed by users can never inject markup. For keyboard
// and screen-reader users, focus moves to the heading of what an action shows (the users found, the user)
// and results are announced by the #status live region. Its words come in the page's language from the
// #staff-messages data block (JSON, never run); they too are only ever written as text.
const csrf = document.querySelector('meta[name="csrf-token"]').content;
const $ = (selector) => document.querySelector(selector);
const status = $('#status');
const messages = JSON.parse($('#staff-messages').textContent);
const lang = document.documentElement.lang;
let current; // the user on screen: { user, devices, live }

/** A text of the page's language with its `{{name}}` placeholders filled in. */
const t = (key, values = {}) =>
  messages.app[key].replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name) => String(values[name] ?? ''));

/** An API refusal in words: the page's text for a known error code, else the API's own (English) message. */
const refusal = (httpStatus, body) => {
  const known = typeof body.error === 'string' && Object.hasOwn(messages.errors, body.error);
  if (known) return messages.errors[body.error];
  const details = Array.isArray(body.details) ? ` (${body.details.join('; ')})` : '';
  return `${body.message ?? t('answered', { status: httpStatus })}${details}`;
};

const api = async (path, init = {}) => {
  const response = await fetch(`/api/v1/helpdesk${path}`, {
    method: init.method ?? 'GET',
    credentials: 'same-origin',
    headers: {
      Accept: 'application/json',
      'X-CSRF-Token': csrf,
      ...(init.body ? { 'Content-Type': 'application/json' } : {}),
    },
    ...(init.body ? { body: JSON.stringify(init.body) } : {}),
  });
  if (response.status === 401) {
    window.location.assign('/helpdesk/login');
    throw new Error(t('sessionEnded'));
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(refusal(response.status, body));
  return body;
};

const cell = (row, text, className) => {
  const td = document.createElement('td');
  td.textContent = text ?? '';
  if (className) td.className = className;
  row.append(td);
  return td;
};

const when = (iso) => (iso ? new Date(iso).toLocaleString(lang) : '—');

const fill = (tbody, items, render) => {
  tbody.replaceChildren();
  for (const item of items) {
    const row = document.createElement('tr');
    render(row, item);
    tbody.append(row);
  }
};

const say = (text) => {
  status.textContent = text;
};

$('#search-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const search = $('#search').value.trim();
  if (!search) return;
  try {
    const { users } = await api(`/users?search=${encodeURIComponent(search)}`);
    say(users.length === 0 ? t('noMatch') : t('found', { count: users.length.toLocaleString(lang) }));
    $('#results').hidden = users.length === 0;
    $('#user').hidden = true;
    fill($('#results tbody'), users, (row, user) => {
      const td = document.createElement('td');
      const open = document.createElement('button');
      open.type = 'button';
      open.className = 'link';
      open.textContent = user.username;
      open.addEventListener('click', () => showUser(user.id));
      td.append(open);
      row.append(td);
      cell(row, [user.firstName, user.lastName].filter(Boolean).join(' '));
      cell(row, user.email);
      cell(row, user.totp ? t('yes') : t('no'));
    });
    if (users.length > 0) $('#results-title').focus();
  } catch (error) {
    say(error.message);
  }
});

const deviceStatus = (device, liveIds) => {
  if (liveIds.has(device.credentialId)) return t('active');
  if (device.removedAt)
    return device.removedReason
      ? t('removedBecause', { when: when(device.removedAt), reason: device.removedReason })
      : t('removed', { when: when(device.removedAt) });
  return t('notInKeycloak');
};

const showUser = async (id) => {
  try {
    const [{ user, devices, live }, { entries }] = await Promise.all([
      api(`/users/${encodeURIComponent(id)}`),
      api(`/users/${encodeURIComponent(id)}/audit`),
    ]);
    current = { user, devices, live };
    $('#results').hidden = true;
    $('#user').hidden = false;
    $('#user-title').textContent = user.username;
    $('#user-summary').textContent = [
      [user.firstName, user.lastName].filter(Boolean).join(' '),
      user.email,
      user.enabled ? t('enabled') : t('disabled'),
      (user.requiredActions ?? []).includes('CONFIGURE_TOTP') ? t('mustSetUp') : '',
    ]
      .filter(Boolean)
      .join(' · ');
    const liveIds = new Set(live.map((device) => device.id));
    const known = new Set(devices.map((device) => device.credentialId));
    // Devices Keycloak has that the mirror has not caught up with yet are shown too.
    const rows = [
      ...live
        .filter((device) => !known.has(device.id))
        .map((device) => ({ credentialId: device.id, label: device.label, createdAt: device.createdDate })),
      ...devices,
    ];
    fill($('#devices tbody'), rows, (row, device) => {
      const active = liveIds.has(device.credentialId);
      cell(row, device.label ?? t('noName'), active ? '' : 'removed');
      cell(row, when(device.createdAt));
      cell(row, when(device.lastSeenAt));
      cell(row, deviceStatus(device, liveIds));
      const td = cell(row, '');
      if (active) {
        const remove = document.createElement('button');
        remove.type = 'button';
        remove.textContent = t('removeDevice');
        remove.setAttribute('aria-label', t('removeDeviceOf', { label: device.label ?? '' }).trim());
        remove.addEventListener('click', () =>
          confirmAction({
            title: t('removeTitle', { label: device.label ?? t('noName'), username: user.username }),
            text: t('removeText'),
            submit: t('removeDevice'),
            verify: true,
            path: `/users/${encodeURIComponent(user.id)}/devices/${encodeURIComponent(device.credentialId)}/remove`,
            done: t('removeDone'),
          }),
        );
        td.append(remove);
      }
    });
    fill($('#audit tbody'), entries, (row, entry) => {
      cell(row, when(entry.at));
      cell(row, entry.actorUsername);
      cell(row, entry.action);
      cell(row, entry.reason);
      cell(row, entry.ticket);
      cell(row, entry.result);
    });
    // The button that opened the user (or the dialog) is gone: focus the user's heading instead.
    $('#user-title').focus();
  } catch (error) {
    say(error.message);
  }
};

const dialog = $('#confirm');
let pending;

const confirmAction = (action) => {
  pending = action;
  $('#confirm-title').textContent = action.title;
  $('#confirm-text').textContent = action.text;
  $('#confirm-submit').textContent = action.submit;
  // Removing a device and resetting OTP need the caller's identity proven by a code sent to their email.
  $('#verify-row').hidden = !action.verify;
  $('#code').required = Boolean(action.verify);
  $('#code-status').textContent = '';
  $('#confirm-error').textContent = '';
  $('#confirm-form').reset();
  dialog.showModal();
  $('#ticket').focus();
};

$('#reset-otp').addEventListener('click', () => {
  const { user } = current;
  confirmAction({
    title: t('resetTitle', { username: user.username }),
    text: t('resetText'),
    submit: t('resetSubmit'),
    path: `/users/${encodeURIComponent(user.id)}/reset-otp`,
    verify: true,
    done: t('resetDone'),
  });
});

$('#send-setup').addEventListener('click', () => {
  const { user } = current;
  confirmAction({
    title: t('setupTitle', { username: user.username }),
    text: t('setupText'),
    submit: t('setupSubmit'),
    path: `/users/${encodeURIComponent(user.id)}/send-setup-email`,
    done: t('setupDone'),
  });
});

$('#confirm-cancel').addEventListener('click', () => dialog.close());

$('#send-code').addEventListener('click', async () => {
  $('#send-code').disabled = true;
  // Disabling the button takes the focus away: it goes to the code field, or back to the button on failure.
  let next = $('#code');
  try {
    const sent = await api(`/users/${encodeURIComponent(current.user.id)}/verification`, { method: 'POST', body: {} });
    pending.verificationId = sent.id;
    $('#code-status').textContent = t('codeSent');
  } catch (error) {
    $('#code-status').textContent = error.message;
    next = $('#send-code');
  } finally {
    $('#send-code').disabled = false;
  }
  next.focus();
});

$('#confirm-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  if (pending.verify && !pending.verificationId) {
    $('#confirm-error').textContent = t('sendCodeFirst');
    return;
  }
  const body = {
    reason: $('#reason').value.trim(),
    ticket: $('#ticket').value.trim(),
    ...(pending.verify ? { verification: { id: pending.verificationId, code: $('#code').value.trim() } } : {}),
  };
  $('#confirm-submit').disabled = true;
  try {
    const result = await api(pending.path, { method: 'POST', body });
    dialog.close();
    say(
      result.result === 'pending-approval'
        ? t('waitingApproval', { id: result.approvalId })
        : t('done', { what: pending.done, id: result.auditId }),
    );
    await showUser(current.user.id);
  } catch (error) {
    $('#confirm-error').textContent = error.message;
  } finally {
    $('#confirm-submit').disabled = false;
  }
  if (dialog.open) $('#confirm-submit').focus();
});
