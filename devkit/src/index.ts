/**
 * Development tools the tests and the benchmark share: a throwaway PostgreSQL server, how the image runs
 * the sidecar (read from the Dockerfile), and OTP credentials for seeding users. Imports no other wing.
 */
export { imageCommand } from './image.js';
export { otpCredential } from './otp-credential.js';
export { type PostgresServer, startPostgres } from './postgres.js';
