/**
 * Three real BGP speakers — BIRD 2, FRR's bgpd and GoBGP — each in its own network namespace,
 * joined by a bridge in a fourth, with tcpdump capturing every BGP segment on the bridge.
 * Documentation addresses only: 198.51.100.0/24 and 2001:db8:100::/64 on the bridge, announced
 * prefixes from 203.0.113.0/24, 198.18.0.0/15 and 2001:db8::/32.
 *
 *   BIRD   AS 4200000001 (4-octet)  198.51.100.1  2001:db8:100::1
 *   FRR    AS 65010                 198.51.100.2  2001:db8:100::2
 *   GoBGP  AS 65010                 198.51.100.3  2001:db8:100::3
 *
 * FRR and GoBGP peer over iBGP (LOCAL_PREF), both with BIRD over eBGP (4-octet AS, AS_TRANS);
 * IPv4 and IPv6 sessions run separately, IPv6 with MP_REACH_NLRI and link-local next hops.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const ROUTERS = {
  bird: { as: 4200000001, v4: '198.51.100.1', v6: '2001:db8:100::1' },
  frr: { as: 65010, v4: '198.51.100.2', v6: '2001:db8:100::2' },
  gobgp: { as: 65010, v4: '198.51.100.3', v6: '2001:db8:100::3' },
} as const;
export type RouterName = keyof typeof ROUTERS;
const NAMES = Object.keys(ROUTERS) as RouterName[];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function run(command: string, ...args: string[]): string {
  return execFileSync(command, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 30_000,
  });
}

function birdConfig(dir: string): string {
  const { frr, gobgp, bird } = ROUTERS;
  const session = (name: string, address: string, as: number, family: 'ipv4' | 'ipv6') => `
protocol bgp ${name} from peers {
  neighbor ${address} as ${as};
  ${family} { import all; export filter tag_${family}; };
}`;
  return `log "${dir}/bird.log" all;
router id ${bird.v4};
protocol device {}
protocol static s4 { ipv4; route 203.0.113.0/25 blackhole; route 198.18.1.0/24 blackhole; }
protocol static s6 { ipv6; route 2001:db8:a::/48 blackhole; }
filter tag_ipv4 { if proto != "s4" then reject; bgp_community.add((65001,100)); bgp_large_community.add((4200000001,1,2)); bgp_med = 50; accept; }
filter tag_ipv6 { if proto != "s6" then reject; bgp_community.add((65001,600)); bgp_large_community.add((4200000001,6,6)); accept; }
template bgp peers {
  local as ${bird.as};
  graceful restart on;
  long lived graceful restart on;
  enable extended messages on;
  enable route refresh on;
  hold time 90;
}
${session('frr4', frr.v4, frr.as, 'ipv4')}
${session('frr6', frr.v6, frr.as, 'ipv6')}
${session('gobgp4', gobgp.v4, gobgp.as, 'ipv4')}
${session('gobgp6', gobgp.v6, gobgp.as, 'ipv6')}
`;
}

function frrConfig(dir: string): string {
  const { frr, gobgp, bird } = ROUTERS;
  return `frr defaults traditional
hostname frr
log file ${dir}/frr.log
!
router bgp ${frr.as}
 bgp router-id ${frr.v4}
 no bgp ebgp-requires-policy
 no bgp default ipv4-unicast
 no bgp network import-check
 bgp graceful-restart
 neighbor ${bird.v4} remote-as ${bird.as}
 neighbor ${gobgp.v4} remote-as ${gobgp.as}
 neighbor ${bird.v6} remote-as ${bird.as}
 neighbor ${gobgp.v6} remote-as ${gobgp.as}
 address-family ipv4 unicast
  network 198.18.2.0/24 route-map tag4
  neighbor ${bird.v4} activate
  neighbor ${gobgp.v4} activate
 exit-address-family
 address-family ipv6 unicast
  network 2001:db8:b::/48 route-map tag6
  neighbor ${bird.v6} activate
  neighbor ${gobgp.v6} activate
 exit-address-family
!
route-map tag4 permit 10
 set community 65010:300 no-export additive
 set large-community 65010:5:6
 set local-preference 250
 set metric 30
!
route-map tag6 permit 10
 set community 65010:700
 set local-preference 260
!
`;
}

function gobgpConfig(): string {
  const { frr, gobgp, bird } = ROUTERS;
  const neighbor = (address: string, as: number, family: string) => `
[[neighbors]]
  [neighbors.config]
    neighbor-address = "${address}"
    peer-as = ${as}
  [neighbors.graceful-restart.config]
    enabled = true
    restart-time = 120
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "${family}"
    [neighbors.afi-safis.mp-graceful-restart.config]
      enabled = true
`;
  return `[global.config]
  as = ${gobgp.as}
  router-id = "${gobgp.v4}"
${neighbor(bird.v4, bird.as, 'ipv4-unicast')}${neighbor(bird.v6, bird.as, 'ipv6-unicast')}${neighbor(frr.v4, frr.as, 'ipv4-unicast')}${neighbor(frr.v6, frr.as, 'ipv6-unicast')}`;
}

export class BgpLab {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'bgpwire-lab-'));
  constructor() {
    // FRR's bgpd drops to user frr and writes its log and vty socket here.
    chmodSync(this.dir, 0o777);
  }
  readonly pcapFile = path.join(this.dir, 'capture.pcap');
  readonly #prefix = `bgpw${process.pid}`;
  readonly #processes: ChildProcess[] = [];
  #tcpdump: ChildProcess | undefined;

  namespace(name: RouterName | 'hub'): string {
    return `${this.#prefix}-${name}`;
  }

  inNamespace(name: RouterName | 'hub', ...command: string[]): string {
    return run('ip', 'netns', 'exec', this.namespace(name), ...command);
  }

  async start(): Promise<void> {
    const hub = this.namespace('hub');
    run('ip', 'netns', 'add', hub);
    this.inNamespace('hub', 'ip', 'link', 'add', 'br0', 'type', 'bridge');
    this.inNamespace('hub', 'ip', 'link', 'set', 'br0', 'up');
    for (const [index, name] of NAMES.entries()) {
      const ns = this.namespace(name);
      run('ip', 'netns', 'add', ns);
      const outside = `${this.#prefix}h${index}`.slice(-15);
      run('ip', 'link', 'add', 'eth0', 'netns', ns, 'type', 'veth', 'peer', 'name', outside, 'netns', hub);
      this.inNamespace('hub', 'ip', 'link', 'set', outside, 'master', 'br0', 'up');
      this.inNamespace(name, 'ip', 'link', 'set', 'lo', 'up');
      this.inNamespace(name, 'ip', 'address', 'add', `${ROUTERS[name].v4}/24`, 'dev', 'eth0');
      this.inNamespace(name, 'ip', 'address', 'add', `${ROUTERS[name].v6}/64`, 'dev', 'eth0', 'nodad');
      this.inNamespace(name, 'ip', 'link', 'set', 'eth0', 'up');
    }
    this.#tcpdump = this.#spawn('hub', [
      'tcpdump',
      '-i',
      'br0',
      '-U',
      '-s',
      '0',
      '-w',
      this.pcapFile,
      'tcp port 179',
    ]);
    await sleep(1000);
    writeFileSync(path.join(this.dir, 'bird.conf'), birdConfig(this.dir));
    writeFileSync(path.join(this.dir, 'bgpd.conf'), frrConfig(this.dir));
    writeFileSync(path.join(this.dir, 'gobgpd.toml'), gobgpConfig());
    this.#spawn('gobgp', [
      'gobgpd',
      '-f',
      path.join(this.dir, 'gobgpd.toml'),
      '--pprof-disable',
      '--log-plain',
      '--api-hosts=127.0.0.1:50051',
    ]);
    this.#spawn('frr', [
      '/usr/lib/frr/bgpd',
      '-Z',
      '-u',
      'frr',
      '-g',
      'frr',
      '-f',
      path.join(this.dir, 'bgpd.conf'),
      '-i',
      path.join(this.dir, 'bgpd.pid'),
      '--vty_socket',
      this.dir,
      '-P',
      '0',
    ]);
    this.#spawn('bird', [
      'bird',
      '-f',
      '-c',
      path.join(this.dir, 'bird.conf'),
      '-s',
      path.join(this.dir, 'bird.ctl'),
    ]);
  }

  #spawn(name: RouterName | 'hub', command: string[]): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', this.namespace(name), ...command], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    const keep = (chunk: Buffer) => {
      stderr = (stderr + chunk).slice(-4000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('exit', (code) => {
      if (code !== 0 && code !== null)
        writeFileSync(path.join(this.dir, `${name}.exit`), `${code}\n${stderr}`);
    });
    this.#processes.push(child);
    return child;
  }

  birdc(...args: string[]): string {
    return this.inNamespace('bird', 'birdc', '-s', path.join(this.dir, 'bird.ctl'), ...args);
  }

  vtysh(...commands: string[]): string {
    return this.inNamespace('frr', 'vtysh', '--vty_socket', this.dir, ...commands.flatMap((c) => ['-c', c]));
  }

  gobgp(...args: string[]): string {
    return this.inNamespace('gobgp', 'gobgp', ...args);
  }

  /** Number of established sessions each router reports. */
  established(): Record<RouterName, number> {
    const count = (text: string, word: RegExp) => text.split('\n').filter((line) => word.test(line)).length;
    const safe = (read: () => string) => {
      try {
        return read();
      } catch {
        return '';
      }
    };
    return {
      bird: count(
        safe(() => this.birdc('show', 'protocols')),
        /\bBGP\b.*Established/,
      ),
      frr: count(
        safe(() => this.vtysh('show bgp neighbors')),
        /BGP state = Established/,
      ),
      gobgp: count(
        safe(() => this.gobgp('neighbor')),
        /\bEstabl/,
      ),
    };
  }

  async waitEstablished(timeoutMs: number): Promise<Record<RouterName, number>> {
    const deadline = Date.now() + timeoutMs;
    let state = this.established();
    while (Date.now() < deadline && !(state.bird === 4 && state.frr === 4 && state.gobgp === 4)) {
      await sleep(500);
      state = this.established();
    }
    return state;
  }

  /** The capture so far (tcpdump writes each packet at once with -U). */
  capture(): Uint8Array {
    return Uint8Array.from(readFileSync(this.pcapFile));
  }

  /** Stops everything and removes the namespaces and files; safe to call twice. */
  async stop(): Promise<void> {
    for (const child of this.#processes.reverse()) if (child.exitCode === null) child.kill('SIGTERM');
    await sleep(300);
    for (const child of this.#processes) if (child.exitCode === null) child.kill('SIGKILL');
    this.#processes.length = 0;
    for (const name of [...NAMES, 'hub'] as const) {
      // Processes left in a namespace (bgpd forks) go with it.
      try {
        for (const pid of run('ip', 'netns', 'pids', this.namespace(name)).split('\n').filter(Boolean)) {
          process.kill(Number(pid), 'SIGKILL');
        }
      } catch {
        // The namespace is already gone.
      }
      try {
        run('ip', 'netns', 'delete', this.namespace(name));
      } catch {
        // Already deleted.
      }
    }
  }

  removeFiles(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  get tcpdumpRunning(): boolean {
    return this.#tcpdump?.exitCode === null;
  }
}
