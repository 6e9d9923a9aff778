/** Jest runs the TypeScript sources as native ES modules (the Keycloak admin client is ESM-only). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } },
    ],
  },
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // jwks-rsa require()s the ESM-only jose, which Jest's CommonJS loader cannot: see the shim's comment.
    '^jose$': '<rootDir>/test/support/jose-for-jest.cjs',
  },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 30000,
};
