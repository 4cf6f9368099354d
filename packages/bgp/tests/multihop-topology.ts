/**
 * Three network namespaces in a line for eBGP multihop: speaker — mid — router. `mid` forwards
 * between two links, so a packet from the speaker reaches the router with its TTL one lower.
 *
 *   speaker 198.51.100.1/24 ─ 198.51.100.254 mid 203.0.113.254 ─ 203.0.113.2/24 router
 *
 * Namespaces are named bgs<pid>-<n>-{s,m,r}; removed by destroy(), and at exit if a run dies.
 */
import { execFileSync } from 'node:child_process';
import { LabHost, registerCleanup } from '@baremetal-lb/lab';

export type MultihopTopology = {
  readonly speaker: LabHost;
  readonly router: LabHost;
  destroy(): void;
};

let sequence = 0;

export function createMultihopTopology(): MultihopTopology {
  const prefix = `bgs${process.pid}-${sequence++}`;
  const names = { s: `${prefix}-s`, m: `${prefix}-m`, r: `${prefix}-r` };
  let destroyed = false;
  const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const hosts: LabHost[] = [];
  const destroy = () => {
    if (destroyed) return;
    destroyed = true;
    for (const host of hosts) host.killChildrenSync();
    for (const ns of Object.values(names)) {
      try {
        ip('netns', 'del', ns);
      } catch {
        // never created, or already gone
      }
    }
  };
  const unregister = registerCleanup(destroy);
  try {
    for (const ns of Object.values(names)) ip('netns', 'add', ns);
    ip('link', 'add', 'eth0', 'netns', names.s, 'type', 'veth', 'peer', 'name', 'left', 'netns', names.m);
    ip('link', 'add', 'eth0', 'netns', names.r, 'type', 'veth', 'peer', 'name', 'right', 'netns', names.m);
    const inside = (ns: string, ...args: string[]) => ip('-n', ns, ...args);
    for (const ns of Object.values(names)) inside(ns, 'link', 'set', 'lo', 'up');
    inside(names.s, 'addr', 'add', '198.51.100.1/24', 'dev', 'eth0');
    inside(names.s, 'link', 'set', 'eth0', 'up');
    inside(names.s, 'route', 'add', '203.0.113.0/24', 'via', '198.51.100.254');
    inside(names.r, 'addr', 'add', '203.0.113.2/24', 'dev', 'eth0');
    inside(names.r, 'link', 'set', 'eth0', 'up');
    inside(names.r, 'route', 'add', '198.51.100.0/24', 'via', '203.0.113.254');
    inside(names.m, 'addr', 'add', '198.51.100.254/24', 'dev', 'left');
    inside(names.m, 'addr', 'add', '203.0.113.254/24', 'dev', 'right');
    inside(names.m, 'link', 'set', 'left', 'up');
    inside(names.m, 'link', 'set', 'right', 'up');
    execFileSync('ip', ['netns', 'exec', names.m, 'sysctl', '-qw', 'net.ipv4.ip_forward=1']);
  } catch (error) {
    destroy();
    unregister();
    throw error;
  }
  const host = (name: string, namespace: string, ipv4Cidr: string, ipv6Cidr: string) =>
    new LabHost({ name, namespace, ifname: 'eth0', isDestroyed: () => destroyed, ipv4Cidr, ipv6Cidr });
  const speaker = host('speaker', names.s, '198.51.100.1/24', '2001:db8:b97::1/64');
  const router = host('router', names.r, '203.0.113.2/24', '2001:db8:b98::2/64');
  hosts.push(speaker, router);
  return {
    speaker,
    router,
    destroy() {
      destroy();
      unregister();
    },
  };
}
