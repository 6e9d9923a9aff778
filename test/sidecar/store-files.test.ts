/**
 * The embedded store's files are the sidecar user's alone: its folder 0700 and every file in it 0600,
 * whatever the umask, for a new folder and for one an older version left open to everyone.
 */
import { mkdirSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../sidecar/src/store/index.js';

/** Every folder and file under `dir` (itself included) with its permission bits. */
const modesUnder = (dir: string): [string, 'dir' | 'file', number][] => [
  [dir, 'dir', statSync(dir).mode & 0o777],
  ...readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory()
      ? modesUnder(path)
      : [[path, 'file', statSync(path).mode & 0o777] as [string, 'file', number]];
  }),
];

const privateOnly = (dir: string) =>
  modesUnder(dir).filter(([, kind, mode]) => mode !== (kind === 'dir' ? 0o700 : 0o600));

let umask: number;
beforeAll(() => {
  umask = process.umask(0o022);
});
afterAll(() => process.umask(umask));

test.each([
  ['a new folder', (root: string) => join(root, 'new', 'sidecar')],
  [
    'a folder left open to everyone',
    (root: string) => {
      const dir = join(root, 'open');
      mkdirSync(dir, { mode: 0o777 });
      return dir;
    },
  ],
])(
  '%s: folders 0700, files 0600 once open and after close',
  async (_name, folder) => {
    const dataDir = folder(mkdtempSync(join(tmpdir(), 'store-files-')));
    const db = await openStore({ dataDir });
    expect(privateOnly(dataDir)).toEqual([]);
    await db.query("insert into job_state (name, value) values ('files', '{}')");
    await db.close();
    expect(modesUnder(dataDir).length).toBeGreaterThan(10);
    expect(privateOnly(dataDir)).toEqual([]);
  },
  60_000,
);
