import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withFileLock } from './file-lock.ts';

const dir = await mkdtemp(path.join(tmpdir(), 'bmlb-envtest-lock-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('withFileLock', () => {
  it('serializes two holders', async () => {
    const lock = path.join(dir, 'serial.lock');
    const events: string[] = [];
    const hold = (name: string) =>
      withFileLock(
        lock,
        async () => {
          events.push(`${name} in`);
          await new Promise((resolve) => setTimeout(resolve, 100));
          events.push(`${name} out`);
        },
        { timeoutMs: 10_000 },
      );
    await Promise.all([hold('a'), hold('b')]);
    expect(events).toEqual(['a in', 'a out', 'b in', 'b out']);
  });

  it('takes over a lock whose owner process is dead', async () => {
    const lock = path.join(dir, 'stale.lock');
    await writeFile(lock, '2147483646');
    let waited = false;
    const result = await withFileLock(lock, async () => readFile(lock, 'utf8'), {
      timeoutMs: 5_000,
      onWait: () => {
        waited = true;
      },
    });
    expect(result).toBe(String(process.pid));
    expect(waited).toBe(true);
  });

  it('times out while a live process holds the lock', async () => {
    const lock = path.join(dir, 'live.lock');
    await writeFile(lock, String(process.ppid));
    await expect(withFileLock(lock, async () => 1, { timeoutMs: 600 })).rejects.toMatchObject({
      code: 'ERR_ENVTEST_LOCK_TIMEOUT',
    });
  });
});
