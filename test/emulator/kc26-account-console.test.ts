/**
 * The emulator's account console page in a real browser: sign in at `/realms/{r}/account`, see the
 * devices on "Signing in", add one, delete one, sign out. Emulator-only: Keycloak's real console is a
 * React single-page application whose markup this page does not copy; what must also hold on a real
 * Keycloak (the Account REST API and the kc_action URLs) is tested in kc26-account.test.ts.
 */
import { codeFor, parseKeyUri, scanQrCode, textOf } from '../support/browser.js';
import { describeEmulatorOnly } from '../support/keycloak.js';
import { SECRET_A } from '../support/users.js';
import { kc, kut, page, realm, useAccountLab, userId } from './kc26-account-lab.js';

const consoleUrl = () => `${kut.baseUrl}/realms/${realm}/account`;
const deviceLabels = async () => page.locator('.account-device-label').allTextContents();

describeEmulatorOnly('the account console page', () => {
  useAccountLab('console', 'ines', { label: 'Phone A', secret: SECRET_A, createdDate: Date.UTC(2026, 0, 15) });

  test('signs in through account-console and lists the devices with their creation dates', async () => {
    await page.goto(consoleUrl());
    expect(new URL(page.url()).searchParams.get('client_id')).toBe('account-console');
    await page.fill('#username', 'ines');
    await page.fill('#password', 'ines-password');
    await page.click('#kc-login');
    await page.fill('#otp', await codeFor({ secret: SECRET_A }));
    await page.click('#kc-login');
    expect(await textOf(page, '#kc-page-title')).toBe('Signing in');
    expect(page.url()).toBe(`${consoleUrl()}/`);
    expect(await deviceLabels()).toEqual(['Phone A']);
    expect(await textOf(page, '.account-device-created')).toBe('Created 2026-01-15');
    const [login] = await kc.realms.findEvents({ realm, type: 'LOGIN' as never });
    expect(login).toMatchObject({ clientId: 'account-console', userId });
  });

  test('"Set up authenticator application" adds a second device and comes back updated', async () => {
    await page.click('#account-set-up-otp');
    const entry = parseKeyUri(await scanQrCode(page));
    await page.fill('#totp', await codeFor(entry));
    await page.fill('#userLabel', 'Tablet');
    await page.click('#saveTOTPBtn');
    expect(await textOf(page, '.kc-feedback-text')).toBe('Your account has been updated.');
    expect((await deviceLabels()).sort()).toEqual(['Phone A', 'Tablet']);
  });

  test('"Delete" asks for confirmation, then the device is gone', async () => {
    await page.locator('.account-device', { hasText: 'Tablet' }).locator('.account-device-delete').click();
    expect(await textOf(page, '#kc-page-title')).toBe('Delete Tablet');
    await page.click('#kc-accept');
    expect(await textOf(page, '#kc-page-title')).toBe('Signing in');
    expect(await deviceLabels()).toEqual(['Phone A']);
  });

  test('"Sign out" ends the session: the console asks to sign in again', async () => {
    await page.click('#account-sign-out');
    await page.click('#kc-logout');
    await page.goto(consoleUrl());
    await page.waitForSelector('#password');
    expect(await textOf(page, '#kc-page-title')).toBe('Sign in to your account');
  });
});
