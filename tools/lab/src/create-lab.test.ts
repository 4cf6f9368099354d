import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLab, type Lab } from './create-lab.ts';
import { InvalidTopologyError, NonDocumentationAddressError } from './lab-error.ts';
import { checkPrerequisites } from './prerequisites.ts';
import { runCommand } from './run-command.ts';
import { listLabNamespaces, sweepStaleLabs } from './sweep-stale-labs.ts';

const ready = checkPrerequisites('lab (network namespaces)', {
  root: true,
  commands: [
    { name: 'ip', debianPackage: 'iproute2' },
    { name: 'arping', debianPackage: 'iputils-arping' },
    { name: 'ndisc6', debianPackage: 'ndisc6' },
  ],
});

const labs: Lab[] = [];
async function track(lab: Promise<Lab>): Promise<Lab> {
  labs.push(await lab);
  return labs.at(-1)!;
}

function hostLinks(): string[] {
  const links = JSON.parse(spawnSync('ip', ['-j', 'link', 'show'], { encoding: 'utf8' }).stdout) as {
    ifname: string;
  }[];
  return links.map((link) => link.ifname);
}

describe.skipIf(!ready)('createLab (as root, in namespaces)', () => {
  afterEach(async () => {
    for (const lab of labs.splice(0)) await lab.destroy();
  });

  it('builds nodes and a client on one bridge that reach each other over IPv4 and IPv6', async () => {
    const before = hostLinks();
    const lab = await track(createLab({ nodes: 3, client: true }));
    expect(lab.nodes.map((n) => n.ipv4Cidr)).toEqual([
      '203.0.113.11/24',
      '203.0.113.12/24',
      '203.0.113.13/24',
    ]);
    expect(lab.client?.ipv6Cidr).toBe('2001:db8::100/64');
    for (const host of lab.hosts) {
      expect(host.mac).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
      expect(host.ipv6LinkLocal).toMatch(/^fe80:/);
    }
    const client = lab.client!;
    await client.exec('arping', ['-c1', '-w2', '-I', 'eth0', lab.nodes[2]!.ipv4]);
    const ndisc = await client.exec('ndisc6', ['-1', '-r1', '-w1000', lab.nodes[0]!.ipv6, 'eth0']);
    expect(ndisc.stdout.toLowerCase()).toContain(lab.nodes[0]!.mac);
    expect(hostLinks()).toEqual(before); // nothing added to the host namespace
    await lab.destroy();
    expect(listLabNamespaces().filter((name) => name.startsWith(`${lab.id}-`))).toEqual([]);
  });

  it('joins exactly two hosts directly with bridge "none"', async () => {
    const lab = await track(createLab({ nodes: ['a', 'b'], bridge: 'none' }));
    expect(lab.bridge).toBeUndefined();
    await lab.nodes[0]!.exec('arping', ['-c1', '-w2', '-I', 'eth0', lab.nodes[1]!.ipv4]);
    await expect(createLab({ nodes: 3, bridge: 'none' })).rejects.toThrow(InvalidTopologyError);
  });

  it('puts the bridge in the host namespace with an address host processes can use, and removes it', async () => {
    const lab = await track(
      createLab({ nodes: 1, bridge: 'host', ipv4Subnet: '198.18.120.0/24', ipv6Prefix: '2001:db8:4::/64' }),
    );
    const bridge = lab.bridge!;
    expect(bridge.ipv4Cidr).toBe('198.18.120.1/24');
    expect(hostLinks()).toContain(bridge.ifname);
    await lab.nodes[0]!.exec('arping', ['-c1', '-w2', '-I', 'eth0', '198.18.120.1']);
    await runCommand('arping', ['-c1', '-w2', '-I', bridge.ifname, '198.18.120.11']);
    await lab.destroy();
    expect(hostLinks().filter((name) => name.startsWith(bridge.ifname.slice(0, -2)))).toEqual([]);
  });

  it('keeps 203.0.113.0/24 off the host: a host-mode lab on it is refused before anything is built', async () => {
    const before = hostLinks();
    await expect(createLab({ nodes: 1, bridge: 'host', ipv4Subnet: '203.0.113.0/24' })).rejects.toThrow(
      /cannot be bridged on the host/,
    );
    expect(hostLinks()).toEqual(before);
  });

  it('refuses non-documentation addresses and removes nothing it did not create', async () => {
    await expect(createLab({ nodes: 1, ipv4Subnet: '10.1.2.0/24' })).rejects.toThrow(
      NonDocumentationAddressError,
    );
    const lab = await track(createLab({ nodes: 1 }));
    await expect(lab.nodes[0]!.addAddress('10.0.0.1/24')).rejects.toThrow(NonDocumentationAddressError);
    await lab.nodes[0]!.addAddress('198.51.100.5/32');
    await lab.nodes[0]!.addOnLinkRoute('198.51.100.128/25');
    await expect(lab.nodes[0]!.addOnLinkRoute('0.0.0.0/0')).rejects.toThrow(NonDocumentationAddressError);
    const routes = await lab.nodes[0]!.exec('ip', ['-j', 'route', 'show', '198.51.100.128/25']);
    expect(JSON.parse(routes.stdout)).toMatchObject([
      { dst: '198.51.100.128/25', dev: 'eth0', scope: 'link' },
    ]);
    const out = await lab.nodes[0]!.exec('ip', ['-j', 'addr', 'show', 'dev', 'eth0']);
    expect(out.stdout).toContain('198.51.100.5');
  });

  it('stops spawned processes on destroy', async () => {
    const lab = await track(createLab({ nodes: 1 }));
    const child = lab.nodes[0]!.spawn('sleep', ['60']);
    const exited = new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    await lab.destroy();
    expect(await exited).toBe('SIGTERM');
  });

  it('cleans up when the process is killed with SIGTERM, and sweeps what a SIGKILLed run left', async () => {
    const script = path.join(import.meta.dirname, '../test/fixtures/hold-lab.ts');
    for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
      const child = spawn(process.execPath, ['--conditions=@baremetal-lb/source', script], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const id = await new Promise<string>((resolve) =>
        child.stdout.once('data', (data: Buffer) => resolve(data.toString().trim())),
      );
      expect(listLabNamespaces().filter((name) => name.startsWith(`${id}-`))).toHaveLength(3);
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill(signal);
      await exited;
      if (signal === 'SIGKILL') {
        expect(listLabNamespaces().filter((name) => name.startsWith(`${id}-`))).toHaveLength(3);
        expect(sweepStaleLabs().namespaces.filter((name) => name.startsWith(`${id}-`))).toHaveLength(3);
      }
      expect(listLabNamespaces().filter((name) => name.startsWith(`${id}-`))).toEqual([]);
    }
  });
});
