/**
 * Jest (before Node 24.9) cannot `require()` an ES module, and jwks-rsa requires the ESM-only `jose` for
 * two calls. Under Jest only, `jose` maps here (jest.config.js): the same two calls on node:crypto. The
 * sidecar itself runs the real `jose` (Node 20.19+ requires ES modules natively).
 */
const { createPublicKey } = require('node:crypto');

module.exports = {
  /** a public JWK as a KeyObject (jwks-rsa then exports it as SPKI PEM itself) */
  importJWK: async (jwk) => createPublicKey({ key: jwk, format: 'jwk' }),
  exportSPKI: async (key) => key.export({ format: 'pem', type: 'spki' }),
};
