/**
 * `npm run audit -- verify [--realm <name>]`: walks the helpdesk audit log's hash chain in the sidecar's
 * store (DATABASE_URL, else the embedded store in SIDECAR_DATA_DIR) and reports the first broken link.
 * Exit code 0 = intact, 1 = broken, 2 = usage. Prints the head hash: keep it elsewhere to catch a rewrite.
 */
import { openStore } from '../store/index.js';
import { verifyAuditChain } from './records.js';

const usage = 'usage: npm run audit -- verify [--realm <name>]';

const main = async (argv: string[]): Promise<number> => {
  const [command, ...rest] = argv;
  const realmAt = rest.indexOf('--realm');
  const realm = realmAt >= 0 ? rest[realmAt + 1] : undefined;
  if (command !== 'verify' || (realmAt >= 0 && !realm)) {
    console.error(usage);
    return 2;
  }
  const db = await openStore({
    ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}),
    dataDir: process.env.SIDECAR_DATA_DIR ?? '.data/sidecar',
  });
  try {
    const report = await verifyAuditChain(db, realm);
    console.log(JSON.stringify(report, null, 2));
    return report.ok ? 0 : 1;
  } finally {
    await db.close();
  }
};

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`audit: ${error.message}`);
    process.exit(2);
  },
);
