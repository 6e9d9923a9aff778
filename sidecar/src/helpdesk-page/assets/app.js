// The helpdesk page's script: calls /api/v1/helpdesk with the session cookie and the CSRF token, and
// renders with textContent only, so names and labels typed by users can never inject markup. For keyboard
// and screen-reader users, focus moves to the heading of what an action shows (the users found, the user)
// and results are announced by the #status live region.
const csrf = document.querySelector('meta[name="csrf-token"]').content;
const $ = (selector) => document.querySelector(selector);
const status = $('#status');
let current; // the user on screen: { user, devices, live }

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
    throw new Error('Your session ended; signing in again');
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const details = Array.isArray(body.details) ? ` (${body.details.join('; ')})` : '';
    throw new Error(`${body.message ?? `The sidecar answered ${response.status}`}${details}`);
  }
  return body;
};

const cell = (row, text, className) => {
  const td = document.createElement('td');
  td.textContent = text ?? '';
  if (className) td.className = className;
  row.append(td);
  return td;
};

const when = (iso) => (iso ? new Date(iso).toLocaleString() : '—');

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
    say(users.length === 0 ? 'No user matches.' : `${users.length} user(s) found.`);
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
      cell(row, user.totp ? 'yes' : 'no');
    });
    if (users.length > 0) $('#results-title').focus();
  } catch (error) {
    say(error.message);
  }
});

const deviceStatus = (device, liveIds) => {
  if (liveIds.has(device.credentialId)) return 'active';
  if (device.removedAt)
    return `removed ${when(device.removedAt)}${device.removedReason ? ` (${device.removedReason})` : ''}`;
  return 'not found in Keycloak';
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
      user.enabled ? 'enabled' : 'disabled',
      (user.requiredActions ?? []).includes('CONFIGURE_TOTP') ? 'must set up OTP at next sign-in' : '',
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
      cell(row, device.label ?? '(no name)', active ? '' : 'removed');
      cell(row, when(device.createdAt));
      cell(row, when(device.lastSeenAt));
      cell(row, deviceStatus(device, liveIds));
      const td = cell(row, '');
      if (active) {
        const remove = document.createElement('button');
        remove.type = 'button';
        remove.textContent = 'Remove device';
        remove.setAttribute('aria-label', `Remove device ${device.label ?? ''}`.trim());
        remove.addEventListener('click', () =>
          confirmAction({
            title: `Remove the device “${device.label ?? '(no name)'}” of ${user.username}?`,
            text: 'The user can no longer sign in with codes from this device. Other devices keep working; if it is the last one, they get a setup link by email.',
            submit: 'Remove device',
            verify: true,
            path: `/users/${encodeURIComponent(user.id)}/devices/${encodeURIComponent(device.credentialId)}/remove`,
            done: 'Device removed',
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
    title: `Reset OTP of ${user.username}?`,
    text: 'All their authenticator devices are removed and they are signed out everywhere. They get a link by email to set up a new device; until they use it, their password alone does not sign them in.',
    submit: 'Reset OTP',
    path: `/users/${encodeURIComponent(user.id)}/reset-otp`,
    verify: true,
    done: 'OTP reset',
  });
});

$('#send-setup').addEventListener('click', () => {
  const { user } = current;
  confirmAction({
    title: `Send ${user.username} a setup email?`,
    text: 'They receive a link to set up an authenticator device.',
    submit: 'Send email',
    path: `/users/${encodeURIComponent(user.id)}/send-setup-email`,
    done: 'Setup email sent',
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
    $('#code-status').textContent = 'Code sent to the account’s email. Ask the caller to read it to you.';
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
    $('#confirm-error').textContent = 'Send a code to the user’s email first, then enter what the caller reads back.';
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
        ? `Waiting for a second helpdesk admin to approve (approval #${result.approvalId}).`
        : `${pending.done} (audit #${result.auditId}).`,
    );
    await showUser(current.user.id);
  } catch (error) {
    $('#confirm-error').textContent = error.message;
  } finally {
    $('#confirm-submit').disabled = false;
  }
  if (dialog.open) $('#confirm-submit').focus();
});
