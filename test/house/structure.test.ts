/**
 * The house rules that no linter states: every TypeScript file, tests included, stays under 400 lines, so
 * a file is one idea a newcomer can read at once. (Function length and the import graph are `npm run lint`'s.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const WINGS = ['sidecar', 'admin-scripts', 'keycloak-emulator', 'realm-files', 'embedded', 'devkit', 'bench', 'test'];
const MAX_LINES = 400;

const typescriptFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : typescriptFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });

test('every TypeScript file has at most 400 lines', () => {
  const files = WINGS.flatMap(typescriptFiles);
  expect(files.length).toBeGreaterThan(100);
  const tooLong = files
    .map((file) => ({ file, lines: readFileSync(file, 'utf8').split('\n').length }))
    .filter(({ lines }) => lines > MAX_LINES);
  expect(tooLong).toEqual([]);
});
