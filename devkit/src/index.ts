/**
 * Development tools the tests and the benchmark share: a throwaway PostgreSQL server, how the image runs
 * the sidecar (read from the Dockerfile), OTP credentials for seeding users and their codes, and staff
 * signing in with password and code (a browser-less login robot). Imports no other wing.
 */
export { imageCommand } from './image.js';
export { type LoginPage, LoginRobot } from './login-robot.js';
export { otpCredential } from './otp-credential.js';
export { type PostgresServer, startPostgres } from './postgres.js';
export { staffBearerToken } from './staff-token.js';
export { codeFor, freshCode, type TotpEntry } from './totp.js';
