/**
 * The Keycloak emulator in its own process for the benchmarks, so the sidecar's CPU time and memory are
 * measured apart from Keycloak's. Controlled over IPC: latency, request counts, garbage collection.
 */
import { startEmulator } from '../keycloak-emulator/src/index.js';

type Command = { id: number; type: 'latency'; ms: number } | { id: number; type: 'counts' | 'reset' | 'gc' | 'stop' };

const emulator = await startEmulator({ adminUsername: 'admin', adminPassword: 'admin' });
process.send?.({ type: 'ready', url: emulator.url });

process.on('message', async (command: Command) => {
  const reply = (value: unknown) => process.send?.({ id: command.id, value });
  if (command.type === 'latency') {
    emulator.faults.latencyMs = command.ms;
    reply(true);
  } else if (command.type === 'reset') {
    emulator.faults.resetCounts();
    reply(true);
  } else if (command.type === 'gc') {
    // started with --expose-gc by bench/run.ts
    (globalThis as { gc?: () => void }).gc?.();
    reply(true);
  } else if (command.type === 'counts') {
    reply({ total: emulator.faults.total, byRoute: Object.fromEntries(emulator.faults.counts) });
  } else {
    await emulator.close();
    reply(true);
    process.exit(0);
  }
});
