/** Which device changes their owner hears of, without servers. */
import { worthTelling } from '../../../sidecar/src/devices/mirror.js';
import type { DeviceChange } from '../../../sidecar/src/devices/records.js';

const ACCOUNT_CREATED = Date.UTC(2026, 10, 1, 9, 0, 0);
const change = (kind: DeviceChange['kind'], createdAt?: number): DeviceChange => ({
  kind,
  owner: { userId: 'u1', username: 'ann', email: 'ann@example.org' },
  device: { credentialId: 'c1', label: 'Pixel 8', ...(createdAt ? { createdAt: new Date(createdAt) } : {}) },
  at: new Date(ACCOUNT_CREATED + 3_600_000),
});

test('a device added after the account existed is news', () => {
  expect(worthTelling(change('added', ACCOUNT_CREATED + 5 * 60_000), ACCOUNT_CREATED)).toBe(true);
  // A new account's first sign-in: the QR scan takes a person more than a moment.
  expect(worthTelling(change('added', ACCOUNT_CREATED + 15_000), ACCOUNT_CREATED)).toBe(true);
  expect(worthTelling(change('added', ACCOUNT_CREATED + 500), ACCOUNT_CREATED)).toBe(true);
});

test('devices that came with the account (imported or created with it) are not', () => {
  expect(worthTelling(change('added', ACCOUNT_CREATED + 40), ACCOUNT_CREATED)).toBe(false);
  expect(worthTelling(change('added', Date.UTC(2025, 0, 1)), ACCOUNT_CREATED)).toBe(false);
});

test('removals are always told, and so is anything whose dates are unknown', () => {
  expect(worthTelling(change('removed', ACCOUNT_CREATED), ACCOUNT_CREATED)).toBe(true);
  expect(worthTelling(change('added'), ACCOUNT_CREATED)).toBe(true);
  expect(worthTelling(change('added', ACCOUNT_CREATED), undefined)).toBe(true);
});
