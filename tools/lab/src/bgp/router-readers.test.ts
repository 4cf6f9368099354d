/**
 * The router readers and configuration renderers, on output captured from FRR 8.4, BIRD 2.0.12 and
 * iproute2 6.1 in the lab (three nodes announcing 198.18.112.200/32).
 */
import { describe, expect, it } from 'vitest';
import { parseBirdRoutes, renderBirdConfig } from './bird-router.ts';
import { parseFrrRoutes, renderFrrBfdd, renderFrrBgpd } from './frr-router.ts';
import { parseKernelRoutes } from './kernel-routes.ts';
import type { RouterConfig } from './lab-router.ts';

const nodes = ['198.18.110.11', '198.18.110.12', '198.18.110.13'];

/** `vtysh -c "show bgp ipv4 unicast json"`, FRR 8.4.4, as printed. */
const frrTable = `{
 "vrfId": 0,
 "vrfName": "default",
 "tableVersion": 2,
 "routerId": "198.18.110.14",
 "defaultLocPrf": 100,
 "localAS": 64501,
 "routes": { "198.18.112.200/32": [{"valid":true,"multipath":true,"pathFrom":"external","prefix":"198.18.112.200","prefixLen":32,"network":"198.18.112.200/32","version":2,"weight":0,"peerId":"198.18.110.13","path":"64500","origin":"IGP","nexthops":[{"ip":"198.18.110.13","afi":"ipv4","used":true}]},{"valid":true,"multipath":true,"pathFrom":"external","prefix":"198.18.112.200","prefixLen":32,"network":"198.18.112.200/32","version":2,"weight":0,"peerId":"198.18.110.12","path":"64500","origin":"IGP","nexthops":[{"ip":"198.18.110.12","afi":"ipv4","used":true}]},{"valid":true,"bestpath":true,"selectionReason":"Older Path","pathFrom":"external","prefix":"198.18.112.200","prefixLen":32,"network":"198.18.112.200/32","version":2,"weight":0,"peerId":"198.18.110.11","path":"64500","origin":"IGP","nexthops":[{"ip":"198.18.110.11","afi":"ipv4","used":true}]}]
 }  } 
`;

/** `ip -4 -j route show` in the router, zebra's nexthop group (nhid) included. */
const ipRoutes =
  '[{"dst":"198.18.110.0/24","dev":"eth0","protocol":"kernel","scope":"link","prefsrc":"198.18.110.14","flags":[]},{"dst":"198.18.111.0/24","dev":"eth1","protocol":"kernel","scope":"link","prefsrc":"198.18.111.1","flags":[]},{"dst":"198.18.112.200","nhid":20,"protocol":"bgp","metric":20,"flags":[],"nexthops":[{"gateway":"198.18.110.11","dev":"eth0","weight":1,"flags":[]},{"gateway":"198.18.110.12","dev":"eth0","weight":1,"flags":[]},{"gateway":"198.18.110.13","dev":"eth0","weight":1,"flags":[]}]}]';

/** `birdc show route`, BIRD 2.0.12. */
const birdRoutes = `BIRD 2.0.12 ready.
Table master4:
198.18.112.200/32    unicast [m1 01:14:57.721] * (100) [AS64500i]
	via 198.18.110.11 on eth0
                     unicast [w2 01:14:57.720] (100) [AS64500i]
	via 198.18.110.13 on eth0
                     unicast [w1 01:14:57.724] (100) [AS64500i]
	via 198.18.110.12 on eth0
`;

const config: RouterConfig = {
  asn: 64501,
  address: '198.18.110.14',
  neighbors: [
    { address: nodes[0]!, asn: 64500, name: 'm1' },
    { address: nodes[1]!, asn: 64500, name: 'w1' },
  ],
  bfd: { intervalMs: 50, multiplier: 3 },
  holdTimeSeconds: 9,
};

describe('router readers', () => {
  it("FRR's table: every valid path's next hop, sorted", () => {
    expect(parseFrrRoutes(frrTable)).toEqual(new Map([['198.18.112.200/32', nodes]]));
  });

  it("FRR's table: an invalid path does not count, an empty table is empty", () => {
    const table = JSON.parse(frrTable) as { routes: Record<string, { valid: boolean }[]> };
    table.routes['198.18.112.200/32']![1]!.valid = false;
    expect(parseFrrRoutes(JSON.stringify(table)).get('198.18.112.200/32')).toEqual([nodes[0], nodes[2]]);
    expect(parseFrrRoutes('{"vrfId":0,"routes":{}}')).toEqual(new Map());
  });

  it("the kernel's table: the daemon's routes with every ECMP gateway; connected routes left out", () => {
    expect(parseKernelRoutes(ipRoutes)).toEqual(new Map([['198.18.112.200/32', nodes]]));
  });

  it("the kernel's table: a single next hop and BIRD's protocol", () => {
    const single =
      '[{"dst":"198.18.112.7","gateway":"198.18.110.12","dev":"eth0","protocol":"bird","metric":32,"flags":[]}]';
    expect(parseKernelRoutes(single)).toEqual(new Map([['198.18.112.7/32', ['198.18.110.12']]]));
  });

  it("BIRD's table: a via per path, under the prefix of the path group", () => {
    expect(parseBirdRoutes(birdRoutes)).toEqual(new Map([['198.18.112.200/32', nodes]]));
    expect(parseBirdRoutes('BIRD 2.0.12 ready.\nTable master4:\n')).toEqual(new Map());
  });
});

describe('router configuration', () => {
  it('FRR: a neighbor per node with its timers and the BFD profile, ECMP on', () => {
    const bgpd = renderFrrBgpd(config);
    expect(bgpd).toContain('router bgp 64501\n bgp router-id 198.18.110.14\n');
    for (const n of config.neighbors) {
      expect(bgpd).toContain(` neighbor ${n.address} remote-as 64500\n`);
      expect(bgpd).toContain(` neighbor ${n.address} timers 3 9\n`);
      expect(bgpd).toContain(` neighbor ${n.address} bfd profile lab\n`);
    }
    expect(bgpd).toMatch(/address-family ipv4 unicast\n {2}maximum-paths 16\n/);
    expect(renderFrrBfdd(config)).toContain(
      ' profile lab\n  detect-multiplier 3\n  receive-interval 50\n  transmit-interval 50\n',
    );
  });

  it('FRR without BFD: no profile anywhere', () => {
    const { bfd: _, ...plain } = config;
    expect(renderFrrBgpd(plain)).not.toContain('bfd');
    expect(renderFrrBfdd(plain)).not.toContain('profile');
  });

  it('BIRD: a protocol per node, BFD on, multipath kernel export', () => {
    const bird = renderBirdConfig(config);
    expect(bird).toContain('protocol kernel {\n  ipv4 { import none; export all; };\n  merge paths on;\n}');
    expect(bird).toContain(
      'protocol bgp m1 {\n  local 198.18.110.14 as 64501;\n  neighbor 198.18.110.11 as 64500;\n  hold time 9;',
    );
    expect(bird.match(/ {2}bfd on;/g)).toHaveLength(2);
    expect(bird).toContain('min rx interval 50 ms;');
  });
});
