/**
 * The quick start with the apps as containers from the images, run the way a kubelet runs
 * deploy/'s pods (container-launcher.ts): the walkthrough passes as it does with processes; the
 * containers carry deploy/'s securityContext and an in-cluster ServiceAccount mount and no
 * kubeconfig; rotated tokens (old ones revoked) keep both apps working; SIGTERM to PID 1 stops
 * them gracefully. Prints start-to-ready times and RSS (idle, and with 1,000 Services) for
 * deploy/README.md; asserts behaviour, never timings.
 */
import { readFileSync } from 'node:fs';
import type { Service } from '@baremetal-lb/kube';
import {
  checkPrerequisites,
  checkSubnetFree,
  isHealthy,
  listStatusNodes,
  nodeNames,
  quickstartNeeds,
  type RunningApp,
  runQuickstart,
  waitFor,
} from '@baremetal-lb/lab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ContainerLauncher,
  createContainerLauncher,
  serviceAccountPath,
} from '../src/container-launcher.ts';
import { podmanPodArgs, readDeployedPod } from '../src/deployed-pod.ts';
import type { Podman } from '../src/podman.ts';
import { createExtraService, tokenAccepted } from './extra-service.ts';
import { buildTestImages, buildTimeoutMs, imagesReady } from './images-ready.ts';

const ready =
  imagesReady('quick start with containers (tools/images)') &&
  checkPrerequisites('quick start with containers (tools/images)', quickstartNeeds());

/** Why 150 s: the speaker re-reads its token file every 60 s, the controller every 30 s, then retries. */
const rotationTimeoutMs = 150_000;
const figures: string[] = [];

/** The parts of `podman inspect` the checks read. */
type ContainerInspect = {
  readonly Config: { readonly User: string; readonly Env: readonly string[] };
  readonly Args: readonly string[];
  readonly State: { readonly Pid: number };
  readonly HostConfig: { readonly ReadonlyRootfs: boolean; readonly SecurityOpt: readonly string[] | null };
  readonly Mounts: readonly { readonly Destination: string; readonly RW: boolean }[];
};

describe.skipIf(!ready)('the quick start with the apps as containers', () => {
  let podman: Podman;
  let launcher: ContainerLauncher;
  let run: Awaited<ReturnType<typeof runQuickstart>> | undefined;

  const inspect = async (container: string): Promise<ContainerInspect> =>
    (JSON.parse(await podman.run(['inspect', '--format=json', container])) as ContainerInspect[])[0]!;
  const rssMiB = async (container: string) => {
    const { State } = await inspect(container);
    const status = readFileSync(`/proc/${State.Pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) / 1024;
  };
  const alive = () => [...run!.cluster.speakers].filter(([, app]) => !app.exited).map(([node]) => node);

  beforeAll(
    async () => {
      podman = await buildTestImages();
      launcher = createContainerLauncher(podman);
      await waitFor(
        '198.51.100.0/24 to be free on the host',
        5 * 60_000,
        () => checkSubnetFree('198.51.100.0/24').then(() => true),
        1000,
      );
      const printed: string[] = [];
      try {
        run = await runQuickstart({
          ipv4Subnet: '198.51.100.0/24',
          ipv6Prefix: '2001:db8:53::/64',
          launcher,
          out: (l) => printed.push(l),
        });
      } finally {
        console.info(printed.join('\n'));
      }
    },
    buildTimeoutMs + 16 * 60_000,
  );

  afterAll(async () => {
    await run?.cluster.destroy();
    console.info(`\nFigures (containers):\n${figures.join('\n')}`);
  });

  it('passes the quick start: EXTERNAL-IP, curl to both pods, the MAC, failover, curl after', () => {
    const { result, app } = run!;
    expect(result.loadBalancerIp).toMatch(/^198\.51\.100\.(2[0-4]\d|250)$/);
    expect([...result.curlBefore.keys()].sort()).toEqual([...result.podNames].sort());
    expect(nodeNames).toContain(result.announcer.node);
    expect(result.statusNode).toBe(result.announcer.node);
    expect(result.failover?.to).toBeDefined();
    expect(result.failover?.to).not.toBe(result.announcer.node);
    const left = app.pods.filter((p) => p.node.name !== result.announcer.node).map((p) => p.name);
    expect([...result.curlAfter.keys()].sort()).toEqual(left.sort());
    figures.push(
      `failover (SIGKILL of the announcing speaker's container + link down): ${result.failover?.ms.toFixed(0)} ms`,
    );
  });

  it.each(['controller', 'speaker'] as const)(
    "runs the %s with exactly deploy/'s securityContext, the in-cluster mount and environment, no kubeconfig",
    async (app) => {
      const name = app === 'controller' ? 'controller-m1' : `speaker-${alive()[0]}`;
      const container = launcher.containerOf(name);
      const info = await inspect(container);
      const flags = podmanPodArgs(readDeployedPod(app));
      const user = flags.find((f) => f.startsWith('--user='));
      if (user) expect(info.Config.User).toBe(user.slice('--user='.length));
      expect(info.HostConfig.ReadonlyRootfs).toBe(true);
      expect(info.HostConfig.SecurityOpt ?? []).toContain('no-new-privileges');
      const sa = info.Mounts.find((m) => m.Destination === serviceAccountPath);
      expect(sa?.RW).toBe(false);
      expect(info.Config.Env.some((e) => e.startsWith('KUBERNETES_SERVICE_HOST='))).toBe(true);
      expect(info.Config.Env.some((e) => e.startsWith('KUBECONFIG='))).toBe(false);
      expect(info.Args.some((a) => a.startsWith('--kubeconfig'))).toBe(false);
      // From inside: the kernel's view of PID 1.
      const status = await podman.run(['exec', container, 'cat', '/proc/1/status']);
      expect(/NoNewPrivs:\s+1/.test(status)).toBe(true);
      const capEff = BigInt(`0x${/CapEff:\s+([0-9a-f]+)/.exec(status)![1]}`);
      // capability(7) bit numbers: NET_ADMIN 12, NET_RAW 13, SYS_NICE 23.
      const expected = app === 'speaker' ? (1n << 12n) | (1n << 13n) | (1n << 23n) : 0n;
      expect(capEff).toBe(expected);
      expect(/Uid:\s+(\d+)/.exec(status)![1]).toBe(app === 'controller' ? '65534' : '0');
      // Read-only root, and no tmpfs where a kubelet gives none (/tmp is world-writable in the image).
      for (const dir of ['/tmp', '/var/tmp']) {
        await expect(podman.run(['exec', container, 'sh', '-c', `: > ${dir}/probe`])).rejects.toThrow(
          /Read-only/i,
        );
      }
      const tokenInside = await podman.run(['exec', container, 'cat', `${serviceAccountPath}/token`]);
      expect(tokenInside).toBe(launcher.currentToken(name));
    },
  );

  it(
    'keeps both apps working after their tokens are rotated and the old ones revoked',
    async () => {
      const { cluster, app } = run!;
      const names = ['controller-m1', ...alive().map((n) => `speaker-${n}`)];
      const old = new Map<string, string>();
      for (const name of names) old.set(name, await launcher.rotateToken(name));
      for (const [name, token] of old) {
        expect(await tokenAccepted(cluster.api, launcher.currentToken(name)), `${name}'s new token`).toBe(
          true,
        );
        // The API server caches a successful authentication for 10 s; then the deleted binding counts.
        await waitFor(
          `${name}'s old token to be refused`,
          60_000,
          async () => ((await tokenAccepted(cluster.api, token)) ? undefined : true),
          500,
        );
      }
      // Writes after the rotation: the controller assigns, the announcing speaker records its status.
      const pods = app.pods
        .filter((p) => alive().includes(p.node.name))
        .map((p) => ({ name: p.name, ip: p.ip, node: p.node.name }));
      const start = performance.now();
      const ip = await createExtraService(cluster.api, 'web-rotated', pods, rotationTimeoutMs);
      const owner = await waitFor('a ServiceL2Status for web-rotated', rotationTimeoutMs, async () => {
        const nodes = await listStatusNodes(cluster.api.kube, 'web-rotated');
        return nodes.length === 1 ? nodes[0] : undefined;
      });
      expect(alive()).toContain(owner);
      figures.push(
        `after rotation: web-rotated got ${ip} and ServiceL2Status (node ${owner}) ${((performance.now() - start) / 1000).toFixed(1)} s after creation`,
      );

      // SIGTERM to the owner's container: it leaves gracefully, exits 0, and the other speaker
      // takes over and writes its own status with its rotated token.
      const owning = cluster.speakers.get(owner)!;
      const stopStart = performance.now();
      owning.kill('SIGTERM');
      const code = await owning.exit;
      figures.push(
        `speaker container SIGTERM -> exit ${code} in ${(performance.now() - stopStart).toFixed(0)} ms`,
      );
      expect(code).toBe(0);
      const next = await waitFor('the ServiceL2Status to move', rotationTimeoutMs, async () => {
        const nodes = await listStatusNodes(cluster.api.kube, 'web-rotated');
        return nodes.length === 1 && nodes[0] !== owner ? nodes[0] : undefined;
      });
      expect(alive()).toContain(next);

      // The stopped speaker again, as a new container: start -> /readyz.
      const spec = launcher.specOf(`speaker-${owner}`);
      const restartedAt = performance.now();
      const speaker = await cluster.launch(spec);
      await waitFor('the new speaker container /readyz', 120_000, async () => {
        if (speaker.exited) throw new Error('exited');
        return isHealthy(`http://${spec.host.ipv4}:7472/readyz`);
      });
      figures.push(
        `speaker: podman run -> /readyz 200 in ${((performance.now() - restartedAt) / 1000).toFixed(2)} s`,
      );
    },
    2 * rotationTimeoutMs + 60_000,
  );

  it('stops the controller gracefully on SIGTERM, and a new container becomes ready', async () => {
    const { cluster } = run!;
    const stopStart = performance.now();
    cluster.controller.kill('SIGTERM');
    const code = await cluster.controller.exit;
    figures.push(
      `controller container SIGTERM -> exit ${code} in ${(performance.now() - stopStart).toFixed(0)} ms`,
    );
    expect(code).toBe(0);
    const spec = launcher.specOf('controller-m1');
    const port = spec.args.find((a) => a.startsWith('--metrics-port='))!.split('=')[1];
    const url = `http://${spec.host.ipv4}:${port}/readyz`;
    const start = performance.now();
    const restarted: RunningApp = await cluster.launch(spec);
    await waitFor('the new controller container /readyz', 120_000, async () => {
      if (restarted.exited) throw new Error('exited');
      return isHealthy(url);
    });
    figures.push(
      `controller: podman run -> /readyz 200 in ${((performance.now() - start) / 1000).toFixed(2)} s`,
    );
  }, 300_000);

  it('measures RSS idle and with 1,000 Services', async () => {
    const { cluster } = run!;
    const running = () => [
      launcher.containerOf('controller-m1'),
      ...alive().map((n) => launcher.containerOf(`speaker-${n}`)),
    ];
    await new Promise((resolve) => setTimeout(resolve, 5000));
    for (const c of running()) figures.push(`RSS idle ${c}: ${(await rssMiB(c)).toFixed(0)} MiB`);
    const { kube } = cluster.api;
    await kube.request('POST', '/api/v1/namespaces', { body: { metadata: { name: 'bulk' } } });
    await kube.request('POST', '/apis/metallb.io/v1beta1/namespaces/metallb-system/ipaddresspools', {
      body: {
        apiVersion: 'metallb.io/v1beta1',
        kind: 'IPAddressPool',
        metadata: { name: 'bulk' },
        spec: { addresses: ['198.18.0.0/22'] },
      },
    });
    const count = 1000;
    for (let i = 0; i < count; i += 10) {
      await Promise.all(
        Array.from({ length: 10 }, (_, j) =>
          kube.request('POST', '/api/v1/namespaces/bulk/services', {
            body: {
              metadata: { name: `svc-${i + j}` },
              spec: { type: 'LoadBalancer', ports: [{ port: 80, protocol: 'TCP' }] },
            },
          }),
        ),
      );
    }
    await waitFor(
      '1,000 EXTERNAL-IPs',
      300_000,
      async () => {
        const list = await kube.request<{ items: Service[] }>('GET', '/api/v1/namespaces/bulk/services');
        return list.items.filter((s) => s.status?.loadBalancer?.ingress?.length).length === count
          ? true
          : undefined;
      },
      1000,
    );
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    for (const c of running())
      figures.push(`RSS with 1,000 Services ${c}: ${(await rssMiB(c)).toFixed(0)} MiB`);
    expect(running().length).toBeGreaterThanOrEqual(2);
  }, 600_000);
});
