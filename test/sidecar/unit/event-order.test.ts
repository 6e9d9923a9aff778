/** How a batch of Keycloak events is applied: per-user order, repeats once, users side by side. */
import { applyInUserOrder, unseenEvents } from '../../../sidecar/src/events/feed.js';

const recorder = () => {
  const log: string[] = [];
  let inFlight = 0;
  let most = 0;
  const event = (userId: string, kind: string, id: string, ms = 5) => ({
    id,
    time: 0,
    userId,
    kind,
    apply: async () => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, ms));
      log.push(`${userId}:${id}`);
      inFlight -= 1;
    },
  });
  return { log, event, most: () => most };
};

test('one user’s events keep their order; repeats in a row are applied once, the last of them; ignored ones not at all', async () => {
  const r = recorder();
  await applyInUserOrder(
    [
      r.event('u1', 'SEND_RESET_PASSWORD', 'reset'),
      r.event('u1', 'changed', 'c1'),
      r.event('u1', 'changed', 'c2'),
      r.event('u1', 'ignored', 'login'),
      r.event('u1', 'REGISTER', 'x'),
      r.event('u1', 'changed', 'c3'),
    ],
    4,
  );
  expect(r.log).toEqual(['u1:reset', 'u1:c2', 'u1:x', 'u1:c3']);
});

test('different users are applied side by side, at most `concurrency` at once', async () => {
  const r = recorder();
  const events = Array.from({ length: 20 }, (_, i) => r.event(`u${i}`, 'changed', `e${i}`, 20));
  await applyInUserOrder(events, 4);
  expect(r.log).toHaveLength(20);
  expect(r.most()).toBe(4);
});

test('a failure rejects the batch (the cursor then stays put and the batch is replayed)', async () => {
  const failing = { id: 'f', time: 0, userId: 'u9', kind: 'changed', apply: () => Promise.reject(new Error('503')) };
  await expect(applyInUserOrder([failing], 2)).rejects.toThrow('503');
});

describe('the event cursor', () => {
  const at = (id: string, time: number) => ({ id, time });

  test('events of the cursor’s millisecond that were seen are skipped, new ones of it are not', () => {
    const { fresh, next } = unseenEvents([at('b', 100), at('a', 100), at('c', 101), at('old', 99)], {
      time: 100,
      seen: ['a'],
    });
    expect(fresh.map((e) => e.id)).toEqual(['b', 'c']);
    expect(next).toEqual({ time: 101, seen: ['c'] });
  });

  test('a second read of the same events applies nothing and keeps the cursor', () => {
    const events = [at('x', 200), at('y', 200)];
    const first = unseenEvents(events, { time: 150, seen: [] });
    expect(first.fresh.map((e) => e.id)).toEqual(['x', 'y']);
    expect(first.next).toEqual({ time: 200, seen: ['x', 'y'] });
    const again = unseenEvents([...events, at('z', 200)], first.next);
    expect(again.fresh.map((e) => e.id)).toEqual(['z']);
    expect(again.next).toEqual({ time: 200, seen: ['x', 'y', 'z'] });
  });
});
