/**
 * What is in the images, checked inside them: only production node_modules and built JavaScript
 * (no devDependencies, TypeScript sources, tests, compilers or .npmrc), Node 24, the AF_PACKET
 * addon loading, --help and --version, and SIGTERM handled by the app as PID 1.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type AppName, appImageRef, apps } from '../src/app-images.ts';
import type { Podman } from '../src/podman.ts';
import { repoRoot } from '../src/repo-paths.ts';
import { buildTestImages, buildTimeoutMs, imagesReady } from './images-ready.ts';

const ready = imagesReady('image content (npm run images)');

/** Packages the lockfile marks dev-only: none may be in a runtime image. */
function devOnlyPackages(): Set<string> {
  const lock = JSON.parse(readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean }>;
  };
  const names = new Set<string>();
  for (const [key, entry] of Object.entries(lock.packages)) {
    const name = key.split('node_modules/').pop();
    if (entry.dev && name) names.add(name);
  }
  return names;
}

describe.skipIf(!ready)('the images hold what runs, and nothing else', () => {
  let podman: Podman;
  // As root, so that find sees every directory.
  const inImage = (app: AppName, entrypoint: string, args: readonly string[]) =>
    podman.run([
      'run',
      '--rm',
      '--network=none',
      '--user=0',
      `--entrypoint=${entrypoint}`,
      appImageRef(app),
      ...args,
    ]);

  beforeAll(async () => {
    podman = await buildTestImages();
  }, buildTimeoutMs);

  describe.each(apps)('%s', (app) => {
    it('has no devDependencies in node_modules, and every workspace link resolves', async () => {
      const listing = await inImage(app, 'sh', [
        '-c',
        'cd /app/node_modules && for d in [!@]* @*/*; do [ -e "$d/package.json" ] && echo "ok $d" || echo "broken $d"; done; find . -maxdepth 1 -type d -name "@*" -empty -printf "empty %p\\n"',
      ]);
      const lines = listing.trim().split('\n');
      const present = lines.filter((l) => l.startsWith('ok ')).map((l) => l.slice(3));
      expect(present).toContain('@kubernetes/client-node');
      expect(present.filter((name) => devOnlyPackages().has(name))).toEqual([]);
      for (const name of [
        'typescript',
        'vitest',
        'turbo',
        'node',
        'node-gyp',
        '@biomejs/biome',
        'fast-check',
      ]) {
        expect(present).not.toContain(name);
      }
      expect(lines.filter((l) => l.startsWith('broken ') || l.startsWith('empty '))).toEqual([]);
    });

    it('has no TypeScript sources, tests, .npmrc or compilers', async () => {
      const files = (
        await inImage(app, 'sh', ['-c', 'find /app -path /app/node_modules -prune -o -type f -print'])
      )
        .trim()
        .split('\n');
      expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
      expect(files.filter((f) => /\.(test|fuzz|e2e)\.|\/(test|tests|src)\//.test(f))).toEqual([]);
      expect(files).toContain(`/app/apps/${app}/dist/main.js`);
      const npmrc = await inImage(app, 'sh', ['-c', 'find / -xdev -name .npmrc']);
      expect(npmrc.trim()).toBe('');
      const compilers = await inImage(app, 'sh', [
        '-c',
        'for c in gcc g++ cc c++ make python3 tsc node-gyp; do command -v $c || true; done; ls /app/node_modules/.bin 2>/dev/null | grep -E "^(tsc|tsserver|node-gyp|biome|turbo|vitest)$" || true',
      ]);
      expect(compilers.trim()).toBe('');
    });

    it('runs Node 24', async () => {
      const version = (await inImage(app, 'node', ['-p', 'process.versions.node'])).trim();
      expect(version).toMatch(/^24\./);
    });

    it('answers --help and --version', async () => {
      const help = await podman.run(['run', '--rm', '--network=none', appImageRef(app), '--help']);
      expect(help).toMatch(/^Usage: /);
      expect(help).toContain('--kubeconfig');
      const version = await podman.run(['run', '--rm', '--network=none', appImageRef(app), '--version']);
      const { version: expected } = JSON.parse(
        readFileSync(path.join(repoRoot, 'apps', app, 'package.json'), 'utf8'),
      ) as { version: string };
      expect(version.trim()).toBe(`baremetal-lb-${app} ${expected}`);
    });

    it('stops on SIGTERM as PID 1 while it cannot reach the API server yet', async () => {
      const name = `bmlb-content-${app}-${process.pid}`;
      const env = ['--env=KUBERNETES_SERVICE_HOST=127.0.0.1', '--env=KUBERNETES_SERVICE_PORT=1'];
      // In-cluster configuration with an API server that refuses connections; the speaker also
      // needs its node name and a membership key.
      const speakerArgs = app === 'speaker' ? ['--node-name=n1', '--ml-secret-path=/proc/self/cmdline'] : [];
      await podman.run([
        'run',
        '--detach',
        '--rm=false',
        `--name=${name}`,
        '--network=none',
        ...env,
        '--volume=/dev/null:/var/run/secrets/kubernetes.io/serviceaccount/token:ro',
        '--volume=/dev/null:/var/run/secrets/kubernetes.io/serviceaccount/ca.crt:ro',
        appImageRef(app),
        ...speakerArgs,
      ]);
      try {
        const pid1 = await podman.run(['exec', name, 'cat', '/proc/1/cmdline']);
        expect(pid1.split('\0')).toContain(`apps/${app}/dist/main.js`);
        // Give it time to be inside its start-up (reading config, first connection attempts).
        await new Promise((resolve) => setTimeout(resolve, 2000));
        const start = performance.now();
        // `podman stop` sends SIGTERM, and SIGKILL only after 30 s.
        await podman.run(['stop', '--time=30', name]);
        const ms = performance.now() - start;
        const state = JSON.parse(await podman.run(['inspect', '--format=json', name])) as {
          State: { ExitCode: number };
        }[];
        const logs = await podman.run(['logs', name]).catch(() => '');
        console.info(
          `${app}: SIGTERM as PID 1 before start-up finished -> exited ${state[0]?.State.ExitCode} in ${ms.toFixed(0)} ms\n${logs.trim().split('\n').slice(-3).join('\n')}`,
        );
        // 137 would be the SIGKILL after the grace period: SIGTERM ignored (PID 1 has no default handler).
        expect(state[0]?.State.ExitCode).not.toBe(137);
      } finally {
        await podman.run(['rm', '--force', '--time=0', name]).catch(() => {});
      }
    }, 60_000);
  });

  it('loads the AF_PACKET addon in the speaker image and opens a socket with NET_RAW only', async () => {
    const script = `import { openPacketConn } from '@baremetal-lb/packet-socket';
const conn = openPacketConn('lo');
console.log('opened', conn.closed === false);
await conn.close();`;
    const withCaps = (caps: readonly string[]) =>
      podman.run([
        'run',
        '--rm',
        '--network=none',
        '--cap-drop=ALL',
        ...caps.map((cap) => `--cap-add=${cap}`),
        '--workdir=/app',
        '--entrypoint=node',
        appImageRef('speaker'),
        '--input-type=module',
        '-e',
        script,
      ]);
    expect((await withCaps(['NET_RAW'])).trim()).toBe('opened true');
    // Without NET_RAW the kernel refuses the socket: the check above really needed the capability.
    await expect(withCaps([])).rejects.toThrow(/EPERM|not permitted/i);
  });
});
