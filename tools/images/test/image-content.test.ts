/**
 * What is in the images, checked inside them: the app's bundle and, in node_modules, only the
 * packet-socket addon and node-gyp-build (no other packages, dist/, TypeScript sources, tests,
 * compilers or .npmrc), Node 24, the AF_PACKET addon loading, --help and --version, and SIGTERM
 * handled by the app as PID 1.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type AppName, appImageRef, apps } from '../src/app-images.ts';
import type { Podman } from '../src/podman.ts';
import { repoRoot } from '../src/repo-paths.ts';
import { buildTestImages, buildTimeoutMs, imagesReady } from './images-ready.ts';

const ready = imagesReady('image content (npm run images)');

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
    it('holds in node_modules only what the bundle leaves out: the addon and its loader', async () => {
      const listing = await inImage(app, 'sh', [
        '-c',
        'cd /app/node_modules && for d in [!@]* @*/*; do [ -e "$d/package.json" ] && echo "ok $d" || echo "broken $d"; done',
      ]);
      expect(listing.trim().split('\n').sort()).toEqual([
        'ok @baremetal-lb/packet-socket',
        'ok node-gyp-build',
      ]);
      const addon = await inImage(app, 'sh', [
        '-c',
        'ls /app/node_modules/@baremetal-lb/packet-socket/build/Release',
      ]);
      expect(addon).toMatch(/\.node$/m);
    });

    it('has no TypeScript sources, tests, .npmrc or compilers', async () => {
      const files = (
        await inImage(app, 'sh', ['-c', 'find /app -path /app/node_modules -prune -o -type f -print'])
      )
        .trim()
        .split('\n');
      expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
      expect(files.filter((f) => /\.(test|fuzz|e2e)\.|\/(test|tests|src)\//.test(f))).toEqual([]);
      expect(files).toContain(`/app/apps/${app}/bundle/main.js`);
      expect(files.filter((f) => f.includes('/dist/'))).toEqual([]);
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
        expect(pid1.split('\0')).toContain(`apps/${app}/bundle/main.js`);
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
    // As the bundle loads it: node-gyp-build on the package that node_modules resolves.
    const script = `import { createRequire } from 'node:module';
import path from 'node:path';
const require = createRequire('/app/apps/speaker/bundle/main.js');
const addon = require('node-gyp-build')(path.dirname(require.resolve('@baremetal-lb/packet-socket/package.json')));
const socket = new addon.Socket(17, 3, 0); // AF_PACKET, SOCK_RAW
console.log('opened', socket.fd > 0);
socket.close();`;
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
