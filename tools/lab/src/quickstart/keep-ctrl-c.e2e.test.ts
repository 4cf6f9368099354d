/**
 * `npm run lab -- --keep`, stopped with Ctrl-C the way a terminal delivers it: SIGINT to the whole
 * foreground process group (both npm processes and the lab), not just to the lab. A requested
 * teardown must remove everything and exit 0 with no npm error block.
 *
 * What stood in the way, each checked here: npm runs a script through `sh -c`, and sh (dash) dies
 * of the SIGINT it received even when its child exits 0, after which npm kills itself with the same
 * signal; a nested `npm run -w` adds another such layer. So the `lab` scripts `exec` node (no sh
 * left between npm and the lab) and the root one runs it directly. npm also forwards the signal,
 * so the lab sees SIGINT twice and must survive the second one (waitForStopRequest).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkSubnetFree } from '../check-subnet-free.ts';
import { checkPrerequisites } from '../prerequisites.ts';
import { listLabNamespaces } from '../sweep-stale-labs.ts';
import { quickstartNeeds } from './quickstart-prerequisites.ts';
import { waitFor } from './wait-for.ts';

const ready = checkPrerequisites('npm run lab -- --keep, then Ctrl-C', quickstartNeeds());
const repoRoot = path.resolve(import.meta.dirname, '../../../..');
const subnet = '198.51.100.0/24';

type Exit = { readonly code: number | null; readonly signal: NodeJS.Signals | null };

describe.skipIf(!ready)('npm run lab -- --keep, then Ctrl-C', () => {
  let output = '';
  let exit: Exit | undefined;
  let namespaces: string[] = [];

  beforeAll(async () => {
    // Another lab may take the subnet between the check and the start (a concurrent run on a
    // shared machine): then the lab refuses with ERR_LAB_SUBNET_IN_USE and this waits and retries.
    const deadline = Date.now() + 10 * 60_000;
    for (;;) {
      // Same subnet as the quick-start e2e; this package's files run one at a time (vitest.config.ts).
      await waitFor(
        '198.51.100.0/24 to be free',
        5 * 60_000,
        () => checkSubnetFree(subnet).then(() => true),
        1000,
      );
      output = '';
      const run = await runKeptLab();
      exit = run.exit;
      namespaces = run.namespaces;
      if (!output.includes('ERR_LAB_SUBNET_IN_USE') || Date.now() > deadline) break;
    }
    console.info(output);
  }, 16 * 60_000);

  /** `npm run lab -- --keep` in its own process group; Ctrl-C once it is kept. */
  async function runKeptLab(): Promise<{ exit: Exit; namespaces: string[] }> {
    const npm = spawn('npm', ['run', 'lab', '--', '--keep', '--subnet', subnet], {
      cwd: repoRoot,
      detached: true, // its own process group, as a shell gives a foreground job
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<Exit>((resolve) =>
      npm.on('exit', (code, signal) => resolve({ code, signal })),
    );
    npm.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    npm.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    let exitedWith: Exit | undefined;
    void exited.then((e) => (exitedWith = e));
    try {
      const state = await waitFor(
        'the kept lab',
        15 * 60_000,
        () =>
          exitedWith !== undefined
            ? ('exited' as const)
            : output.includes('Press Ctrl-C to tear everything down.')
              ? ('kept' as const)
              : undefined,
        200,
      );
      if (state === 'exited') return { exit: await exited, namespaces: [] };
    } finally {
      if (!output.includes('Press Ctrl-C') && npm.exitCode === null && npm.signalCode === null) {
        process.kill(-(npm.pid as number), 'SIGKILL');
      }
    }
    const names = [...(output.match(/^Node namespaces: (.*)$/m)?.[1] ?? '').matchAll(/=(\S+)/g)].map(
      (m) => m[1] as string,
    );
    process.kill(-(npm.pid as number), 'SIGINT');
    return { exit: await exited, namespaces: names };
  }

  it('exits 0 after tearing the lab down', () => {
    expect(exit).toEqual({ code: 0, signal: null });
    expect(output).toMatch(/Ctrl-C: tearing the lab down\.\n(.*\n)*Lab removed\./);
  });

  it('prints no npm error', () => {
    expect(output).not.toMatch(/npm error|ERR!|Lifecycle script/);
  });

  it("removes the lab's namespaces", () => {
    expect(namespaces).toHaveLength(3);
    expect(listLabNamespaces().filter((ns) => namespaces.includes(ns))).toEqual([]);
  });
});
