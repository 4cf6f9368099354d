import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { resumeProcess, threadStates as states, suspendProcess } from './suspend-process.ts';

describe('suspendProcess', () => {
  const children: ReturnType<typeof spawn>[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
  });

  it('resolves only once every thread is stopped, and resumeProcess lets them run', async () => {
    // A busy multi-threaded process: Node with a spinning main thread.
    const child = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
    children.push(child);
    await new Promise((resolve) => child.once('spawn', resolve));
    await new Promise((resolve) => setTimeout(resolve, 200));
    await suspendProcess(child.pid!);
    const stopped = await states(child.pid!);
    expect(stopped.length).toBeGreaterThan(1);
    expect(new Set(stopped)).toEqual(new Set(['T']));
    resumeProcess(child.pid!);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await states(child.pid!)).not.toContain('T');
  });

  it('rejects for a process that is gone', async () => {
    const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    await new Promise((resolve) => child.once('exit', resolve));
    await expect(suspendProcess(child.pid!)).rejects.toMatchObject({ code: 'ESRCH' });
  });
});
