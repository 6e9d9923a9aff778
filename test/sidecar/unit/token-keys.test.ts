/**
 * Issue 19: staff tokens are checked against the realm's keys through jwks-rsa. A key the realm withdraws
 * from its JWKS stops verifying once the cache age has passed (tokens it signed included, even ones
 * verified before); token headers naming unknown key ids cannot make the sidecar hammer the JWKS endpoint.
 * A small JWKS server stands in for the realm (the emulator does not rotate keys).
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import { TokenVerifier } from '../../../sidecar/src/http/auth.js';

const keyPair = (kid: string) => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' } };
};
const A = keyPair('key-a');
const B = keyPair('key-b');

let published = [A.jwk, B.jwk];
let fetches = 0;
let server: Server;
let url = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url !== '/realms/r/protocol/openid-connect/certs') return res.writeHead(404).end();
    fetches += 1;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: published }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const tokenBy = (key: { kid: string; privateKey: KeyObject }, sub = 'u-1') =>
  jwt.sign({ sub, typ: 'Bearer', azp: 'otp-helpdesk', preferred_username: 'sam' }, key.privateKey, {
    algorithm: 'RS256',
    keyid: key.kid,
    issuer: `${url}/realms/r`,
    expiresIn: 300,
  });

test('a key withdrawn from the JWKS stops verifying after the cache age', async () => {
  published = [A.jwk, B.jwk];
  const verifier = new TokenVerifier({ keycloakUrl: url, realm: 'r', jwksCacheMaxAgeMs: 300 });
  const early = tokenBy(A);
  expect(await verifier.verify(early)).toMatchObject({ userId: 'u-1', username: 'sam' });

  published = [B.jwk]; // the realm rotated key A out (e.g. it leaked)
  await new Promise((resolve) => setTimeout(resolve, 600));
  expect(await verifier.verify(early)).toBeUndefined();
  expect(await verifier.verify(tokenBy(A, 'u-2'))).toBeUndefined();
  expect(await verifier.verify(tokenBy(B))).toMatchObject({ userId: 'u-1' });
});

test('unknown key ids fetch the JWKS a few times a minute at most', async () => {
  published = [A.jwk];
  const verifier = new TokenVerifier({ keycloakUrl: url, realm: 'r' });
  expect(await verifier.verify(tokenBy(A))).toBeDefined();
  const before = fetches;
  for (let i = 0; i < 30; i++) {
    const forged = tokenBy({ kid: `forged-${i}`, privateKey: B.privateKey });
    expect(await verifier.verify(forged)).toBeUndefined();
  }
  expect(fetches - before).toBeLessThanOrEqual(6);
});
