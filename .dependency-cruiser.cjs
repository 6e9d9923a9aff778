/**
 * The module graph's rules (`npm run lint`): the production service never imports its test double or
 * dev tools, the realm-config file format has one home, and wings meet only at each other's
 * src/index.ts. TypeScript 7 has no JS API, so the swc parser reads the sources.
 */
const WINGS = ['sidecar', 'admin-scripts', 'keycloak-emulator', 'realm-files', 'embedded', 'devkit', 'bench', 'test'];
const wings = (...names) => `^(${names.join('|')})/`;
const importsNoWing = (wing, comment) => ({
  name: `${wing}-imports-no-wing`,
  comment,
  severity: 'error',
  from: { path: `^${wing}/` },
  to: { path: wings(...WINGS.filter((other) => other !== wing)) },
});

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'sidecar-is-production',
      comment: 'The service runs in the image without the emulator, the demo, the scripts or dev tools.',
      severity: 'error',
      from: { path: '^sidecar/' },
      to: { path: wings('admin-scripts', 'keycloak-emulator', 'embedded', 'bench', 'test', 'devkit') },
    },
    {
      name: 'admin-scripts-stand-alone',
      comment: 'The admin scripts share the file format (realm-files), not the sidecar.',
      severity: 'error',
      from: { path: '^admin-scripts/' },
      to: { path: wings('sidecar', 'keycloak-emulator', 'embedded', 'bench', 'test', 'devkit') },
    },
    importsNoWing(
      'keycloak-emulator',
      'The Keycloak emulator is a test double of Keycloak: it knows nothing of what it serves.',
    ),
    importsNoWing('realm-files', 'The file format imports no wing, so every wing can import it.'),
    importsNoWing('devkit', 'Dev tools shared by bench and test import no wing.'),
    {
      name: 'bench-imports-no-tests',
      comment: 'What bench and test share lives in devkit/.',
      severity: 'error',
      from: { path: '^bench/' },
      to: { path: wings('test', 'embedded') },
    },
    {
      name: 'wings-meet-at-the-index',
      comment: "Outside the tests, a wing uses another only through its src/index.ts (e.g. embedded/ the sidecar's).",
      severity: 'error',
      from: { path: wings(...WINGS.filter((wing) => wing !== 'test')) },
      to: { path: wings(...WINGS), pathNot: '^($1/|[^/]+/src/index\\.ts$)' },
    },
  ],
  options: {
    parser: 'swc',
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
  },
};
