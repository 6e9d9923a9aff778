/**
 * A command-line authenticator, as `oathtool --totp -b SECRET` is: prints the current TOTP code of a
 * base32 secret (SHA-1, 6 digits, 30 s unless told otherwise). Usage:
 *   node --import tsx test/support/totp-cli.ts --totp -b SECRET [--digits 6] [--period 30] [--now EPOCH_SECONDS]
 */
import { parseArgs } from 'node:util';
import { createGuardrails, generate } from 'otplib';

const { values } = parseArgs({
  options: {
    totp: { type: 'boolean' },
    base32: { type: 'string', short: 'b' },
    digits: { type: 'string', default: '6' },
    period: { type: 'string', default: '30' },
    now: { type: 'string' },
  },
});
if (!values.totp || !values.base32) {
  process.stderr.write('usage: totp-cli --totp -b SECRET [--digits N] [--period S] [--now EPOCH]\n');
  process.exit(2);
}
const code = await generate({
  secret: values.base32.replaceAll(' ', '').toUpperCase(),
  digits: Number(values.digits) as 6 | 8,
  period: Number(values.period),
  ...(values.now ? { epoch: Number(values.now) } : {}),
  guardrails: createGuardrails({ MIN_SECRET_BYTES: 1 }),
});
process.stdout.write(`${code}\n`);
