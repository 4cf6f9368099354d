/**
 * The e2e lab: three node namespaces and a client on one bridge whose host end carries a real
 * kube-apiserver (tools/envtest), a speaker process inside each node namespace running as the
 * `speaker` ServiceAccount of deploy/rbac/speaker.yaml, and real arping/ndisc6 in the client.
 * Documentation addresses only: 198.51.100.0/24 (203.0.113.0/24 when another lab on this host
 * holds it) and 2001:db8:5::/64.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  classifyFrame,
  decodeArpFrame,
  FrameKind,
  formatIpv4,
  formatMac,
  isGratuitousArp,
} from '@baremetal-lb/arp-wire';
import {
  createServiceAccountKubeconfig,
  type Envtest,
  installCrds,
  openKubeClient,
  startEnvtest,
} from '@baremetal-lb/envtest';
import {
  type HttpKubeClient,
  type Node,
  type ObjectRef,
  ResourcePaths,
  type Service,
} from '@baremetal-lb/kube';
import {
  checkSubnetFree,
  createLab,
  imageRuntime,
  type Lab,
  LabBridgeMode,
  type LabHost,
} from '@baremetal-lb/lab';
import { openPacketConn } from '@baremetal-lb/packet-socket';
import { parseAllDocuments } from 'yaml';

export const repoRoot = path.resolve(import.meta.dirname, '../../../..');
const node24 = path.join(repoRoot, 'node_modules/.bin/node');
/**
 * The speaker as run from source (type stripping), or built as the image runs it with
 * BMLB_SPEAKER_ENTRY=dist (the script, Node options and environment of apps/speaker/Dockerfile's
 * ENTRYPOINT: bundle/main.js, so `tsc -b && npm run bundle` first), or from another checkout's source with
 * BMLB_SPEAKER_ENTRY=/path/to/apps/speaker/src/main.ts (to run these tests against the code
 * before a change).
 */
const entry = process.env.BMLB_SPEAKER_ENTRY;
const image = await imageRuntime('speaker');
export const speakerEntry: readonly string[] =
  entry === 'dist'
    ? [...image.nodeOptions, path.join(repoRoot, image.script)]
    : ['--conditions=@baremetal-lb/source', entry ?? path.join(repoRoot, 'apps/speaker/src/main.ts')];
/** The image's environment (apps/speaker/Dockerfile's ENV) when the build runs, else none. */
export const speakerEnv: Readonly<Record<string, string>> = entry === 'dist' ? image.env : {};
export const NAMESPACE = 'metallb-system';

/**
 * The lab's IPv4 /24 as "a.b.c": 198.51.100 unless another lab on this shared host holds it, then
 * 203.0.113. Never 192.0.2.0/24 (a host-side bridge there could shadow the host's own network).
 */
export const NET = await checkSubnetFree('198.51.100.0/24').then(
  () => '198.51.100',
  () => '203.0.113',
);
export const NODE_NAMES = ['nodea', 'nodeb', 'nodec'] as const;

/** `--responder-priority` as deploy/speaker.yaml sets it: the lab runs speakers as deployed. */
export const DEPLOYED_RESPONDER_PRIORITY = await deployedFlagValue('responder-priority').then(Number);

export type LivenessProbe = {
  readonly initialDelaySeconds: number;
  readonly periodSeconds: number;
  readonly failureThreshold: number;
};

/** The speaker's livenessProbe in deploy/speaker.yaml: when the kubelet would restart it. */
export const DEPLOYED_LIVENESS_PROBE: LivenessProbe = await deployedSpeakerContainer().then((c) => {
  const probe = c?.livenessProbe;
  if (probe === undefined) throw new Error('deploy/speaker.yaml: the speaker container has no livenessProbe');
  return probe;
});

type Container = { name: string; args?: string[]; livenessProbe?: LivenessProbe };

async function deployedSpeakerContainer(): Promise<Container | undefined> {
  const docs = (await readYamlDocuments('deploy/speaker.yaml')) as {
    kind?: string;
    spec?: { template?: { spec?: { containers?: Container[] } } };
  }[];
  return docs
    .find((d) => d.kind === 'DaemonSet')
    ?.spec?.template?.spec?.containers?.find((c) => c.name === 'speaker');
}

async function deployedFlagValue(flag: string): Promise<string> {
  const args = (await deployedSpeakerContainer())?.args;
  const value = args?.find((a) => a.startsWith(`--${flag}=`))?.slice(flag.length + 3);
  if (value === undefined) throw new Error(`deploy/speaker.yaml: the speaker container has no --${flag}`);
  return value;
}

async function readYamlDocuments(file: string): Promise<unknown[]> {
  return parseAllDocuments(await readFile(path.join(repoRoot, file), 'utf8')).map((d) => d.toJS());
}

export type SpeakerProcess = {
  readonly host: LabHost;
  readonly child: ChildProcess;
  readonly logs: string[];
  readonly exited: Promise<void>;
};

export type SpeakerLab = {
  readonly lab: Lab;
  readonly envtest: Envtest;
  /** The admin's client (envtest's harness budget). */
  readonly kube: HttpKubeClient;
  readonly client: LabHost;
  /** A second client on the bridge (no speaker): the legitimate host during a storm. */
  readonly peer: LabHost;
  readonly nodes: readonly LabHost[];
  readonly speakers: Map<string, SpeakerProcess>;
  /**
   * Starts the speaker of `host` (extra flags appended) and waits until /readyz answers. `entry`
   * replaces the node arguments before the flags (another checkout's speaker, node options);
   * `env` the variables added to this process's environment (default `speakerEnv`).
   */
  start(
    host: LabHost,
    extraArgs?: readonly string[],
    entry?: readonly string[],
    env?: Readonly<Record<string, string>>,
  ): Promise<SpeakerProcess>;
  /** Starts the speaker of `host` without waiting for anything (arguments as for `start`). */
  spawn(
    host: LabHost,
    extraArgs?: readonly string[],
    entry?: readonly string[],
    env?: Readonly<Record<string, string>>,
  ): SpeakerProcess;
  /** Sends `signal` and waits for the exit. */
  kill(host: LabHost, signal: NodeJS.Signals): Promise<void>;
  hostByMac(mac: string | undefined): LabHost | undefined;
  /** The lab host of a Kubernetes node name. */
  hostOf(node: string): LabHost;
  destroy(): Promise<void>;
};

export async function createSpeakerLab(): Promise<SpeakerLab> {
  const lab = await createLab({
    // The fourth "node" is a second client, `peer` (.14); it runs no speaker.
    nodes: [...NODE_NAMES, 'peer'],
    client: true,
    bridge: LabBridgeMode.host,
    ipv4Subnet: `${NET}.0/24`,
    ipv6Prefix: '2001:db8:5::/64',
  });
  let envtest: Envtest | undefined;
  let kube: HttpKubeClient | undefined;
  try {
    for (const h of lab.hosts) await h.refresh();
    const bridgeIp = lab.bridge!.ipv4Cidr!.split('/')[0]!;
    envtest = await startEnvtest({ listenAddress: bridgeIp });
    await installCrds(envtest.kubeconfigPath, path.join(repoRoot, 'deploy/crds'));
    const admin = openKubeClient(envtest.kubeconfigPath);
    kube = admin;
    await admin.request('POST', '/api/v1/namespaces', { body: { metadata: { name: NAMESPACE } } });
    const paths = new ResourcePaths(admin);
    for (const doc of (await readYamlDocuments('deploy/rbac/speaker.yaml')) as ObjectRef[]) {
      await admin.request('POST', await paths.collectionOf(doc), { body: doc });
    }
    const sa = await createServiceAccountKubeconfig(envtest.kubeconfigPath, {
      namespace: NAMESPACE,
      name: 'speaker',
    });
    const secretPath = path.join(envtest.dir, 'memberlist-secret');
    await writeFile(secretPath, randomBytes(32).toString('hex'), { mode: 0o600 });

    const nodes = lab.nodes.slice(0, NODE_NAMES.length);
    for (const [i, host] of nodes.entries()) {
      const name = NODE_NAMES[i]!;
      const created = await admin.request<Node>('POST', '/api/v1/nodes', {
        body: { metadata: { name, labels: { 'kubernetes.io/hostname': name, zone: name.slice(-1) } } },
      });
      await admin.request('PUT', `/api/v1/nodes/${name}/status`, {
        body: { ...created, status: { addresses: [{ type: 'InternalIP', address: host.ipv4 }] } },
      });
    }

    const speakers = new Map<string, SpeakerProcess>();
    const env = envtest;
    const spawnSpeaker = (
      host: LabHost,
      extraArgs: readonly string[] = [],
      entry: readonly string[] = speakerEntry,
      extraEnv: Readonly<Record<string, string>> = speakerEnv,
    ): SpeakerProcess => {
      const name = NODE_NAMES[nodes.indexOf(host)]!;
      const child = host.spawn(
        node24,
        [
          ...entry,
          `--node-name=${name}`,
          `--kubeconfig=${sa.kubeconfigPath}`,
          `--namespace=${NAMESPACE}`,
          `--ml-secret-path=${secretPath}`,
          `--responder-priority=${DEPLOYED_RESPONDER_PRIORITY}`,
          '--log-level=debug',
          ...extraArgs,
        ],
        // As deploy/speaker.yaml sets it (status.hostIP): membership and metrics bind this address.
        { env: { ...process.env, ...extraEnv, METALLB_HOST: host.ipv4 } },
      );
      const logs: string[] = [];
      const collect = (chunk: Buffer) => logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      child.stdout?.on('data', collect);
      child.stderr?.on('data', collect);
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      const p = { host, child, logs, exited };
      speakers.set(name, p);
      return p;
    };
    const start = async (
      host: LabHost,
      extraArgs: readonly string[] = [],
      entry: readonly string[] = speakerEntry,
      extraEnv: Readonly<Record<string, string>> = speakerEnv,
    ): Promise<SpeakerProcess> => {
      const p = spawnSpeaker(host, extraArgs, entry, extraEnv);
      const { child, logs } = p;
      const name = NODE_NAMES[nodes.indexOf(host)]!;
      // Ready = its health server answers /readyz (caches synced, sockets open). Go builds and
      // other labs share this machine's 2 cores: under such load start-up has taken up to 16 s.
      await waitFor(async () => {
        if (child.exitCode !== null) throw new Error(`speaker ${name} exited: ${logs.slice(-5).join('\n')}`);
        try {
          return (await fetch(`http://${host.ipv4}:7472/readyz`)).ok;
        } catch {
          return false;
        }
      }, 60_000);
      return p;
    };
    return {
      lab,
      envtest,
      kube: admin,
      client: lab.client!,
      peer: lab.nodes[NODE_NAMES.length]!,
      nodes,
      speakers,
      start,
      spawn: spawnSpeaker,
      async kill(host, signal) {
        const p = speakers.get(NODE_NAMES[nodes.indexOf(host)]!);
        if (p === undefined || p.child.exitCode !== null || p.child.signalCode !== null) return;
        // `ip netns exec` execs the target, so the child pid is the speaker itself.
        p.child.kill(signal);
        await p.exited;
      },
      hostOf(node) {
        const i = NODE_NAMES.indexOf(node as (typeof NODE_NAMES)[number]);
        if (i < 0) throw new Error(`no lab host for node "${node}"`);
        return nodes[i]!;
      },
      hostByMac(mac) {
        return nodes.find((h) => h.mac.toLowerCase() === mac?.toLowerCase());
      },
      async destroy() {
        await admin.close();
        await lab.destroy();
        await env.stop();
      },
    };
  } catch (error) {
    await kube?.close();
    await lab.destroy();
    await envtest?.stop();
    throw error;
  }
}

/** Polls `check` every 50 ms until it returns true; throws after `timeoutMs`. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The MAC that answers `arping` for `ip` from `client`, or undefined when nobody answers. */
export async function arpingMac(client: LabHost, ip: string): Promise<string | undefined> {
  try {
    const { stdout } = await client.exec('arping', ['-c', '1', '-w', '1', '-I', client.ifname, ip]);
    return /\[([0-9a-fA-F:]{17})\]/.exec(stdout)?.[1]?.toLowerCase();
  } catch {
    return undefined;
  }
}

/** The Target Link-Layer Address `ndisc6` gets for `ip`, or undefined. */
export async function ndiscMac(client: LabHost, ip: string): Promise<string | undefined> {
  try {
    const { stdout } = await client.exec('ndisc6', ['-1', '-r', '2', '-w', '500', ip, client.ifname]);
    return /Target link-layer address:\s*([0-9a-fA-F:]{17})/.exec(stdout)?.[1]?.toLowerCase();
  } catch {
    return undefined;
  }
}

/** A LoadBalancer Service with its ingress status and one EndpointSlice (no controller here). */
export async function createLbService(
  t: SpeakerLab,
  name: string,
  ips: readonly string[],
  policy: 'Cluster' | 'Local',
  endpointNodes: readonly string[],
): Promise<void> {
  const svc = await t.kube.request<Service>('POST', '/api/v1/namespaces/default/services', {
    body: {
      metadata: { name },
      spec: { type: 'LoadBalancer', externalTrafficPolicy: policy, ports: [{ port: 80, protocol: 'TCP' }] },
    },
  });
  await t.kube.request('PUT', `/api/v1/namespaces/default/services/${name}/status`, {
    body: { ...svc, status: { loadBalancer: { ingress: ips.map((ip) => ({ ip })) } } },
  });
  await t.kube.request('POST', '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices', {
    body: {
      metadata: { name: `${name}-1`, labels: { 'kubernetes.io/service-name': name } },
      addressType: 'IPv4',
      endpoints: endpointNodes.map((n, i) => ({
        addresses: [`${NET}.${50 + i}`],
        nodeName: n,
        conditions: { ready: true },
      })),
    },
  });
}

/** Creates a metallb.io/v1beta1 object in metallb-system. */
export async function createMetallbObject(t: SpeakerLab, plural: string, body: object): Promise<void> {
  await t.kube.request('POST', metallbPath(plural), { body: { apiVersion: 'metallb.io/v1beta1', ...body } });
}

/** The metallb.io collection `plural` in metallb-system (`version` default v1beta1), `/NAME` appended when named. */
export function metallbPath(plural: string, name?: string, version = 'v1beta1'): string {
  return `/apis/metallb.io/${version}/namespaces/${NAMESPACE}/${plural}${name === undefined ? '' : `/${name}`}`;
}

/** Gratuitous ARPs for `ip` seen in the client namespace, with arrival times (performance.now). */
export function captureGratuitousArp(t: SpeakerLab, ip: string) {
  const conn = openPacketConn(t.client.ifname, { netns: t.client.namespace });
  const seen: { at: number; mac: string }[] = [];
  const done = (async () => {
    for await (const batch of conn.receive()) {
      const at = performance.now();
      for (const frame of batch) {
        if (classifyFrame(frame) !== FrameKind.arp) continue;
        try {
          const { arp } = decodeArpFrame(frame);
          if (isGratuitousArp(arp) && formatIpv4(arp.senderIp) === ip)
            seen.push({ at, mac: formatMac(arp.senderMac) });
        } catch {
          // a malformed ARP frame is no gratuitous ARP
        }
      }
    }
  })();
  return {
    seen,
    async close() {
      await conn.close();
      await done;
    },
  };
}
