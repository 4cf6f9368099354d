import { describe, expect, it } from 'vitest';
import { buildConfiguration, type ConfigInput } from './build-configuration.ts';
import { ConfigProblemCode } from './config-problem.ts';
import { basicAuthSecret, bfdProfile, bgpPeer, labeled } from './test-objects.test.helper.ts';

const nodes = [labeled('n1', { rack: 'a' }), labeled('n2', { rack: 'a' }), labeled('n3', { rack: 'b' })];

function build(input: ConfigInput) {
  const config = buildConfiguration({ nodes, secrets: [], ...input });
  const peerProblems = config.problems.filter((p) => p.object.kind === 'BGPPeer');
  return { config, peers: config.bgpPeers, peerProblems };
}

describe('BGP peers', () => {
  it('reads the MetalLB quick-start peer with MetalLB defaults', () => {
    const { peers, peerProblems } = build({
      bgpPeers: [bgpPeer('sample', { myASN: 64500, peerASN: 64501, peerAddress: '10.0.0.1' })],
    });
    expect(peerProblems).toEqual([]);
    expect(peers).toEqual([
      {
        name: 'sample',
        myASN: 64500,
        peerASN: 64501,
        internal: false,
        peerAddress: '10.0.0.1',
        peerPort: 179,
        holdTimeMs: 90_000,
        keepaliveTimeMs: 30_000,
        nodeSelectors: [],
        nodes: ['n1', 'n2', 'n3'],
        authentication: { kind: 'none' },
        ebgpMultiHop: false,
        vrf: '',
        enableGracefulRestart: false,
        dualStackAddressFamily: false,
      },
    ]);
  });

  it.each([
    [{ holdTime: '9m0s', keepaliveTime: '0s' }, 540_000, 0],
    [{ holdTime: '30s' }, 30_000, 10_000],
    [{ keepaliveTime: '5s' }, 15_000, 5000],
    [{ holdTime: '0s' }, 0, 0],
  ])('derives timers from %j like MetalLB', (spec, hold, keepalive) => {
    const { peers } = build({ bgpPeers: [bgpPeer('p', spec)] });
    expect([peers[0]?.holdTimeMs, peers[0]?.keepaliveTimeMs]).toEqual([hold, keepalive]);
  });

  it('runs a peer on the nodes its selectors match', () => {
    const { peers } = build({
      bgpPeers: [bgpPeer('tor-a', { nodeSelectors: [{ matchLabels: { rack: 'a' } }] })],
    });
    expect(peers[0]?.nodes).toEqual(['n1', 'n2']);
  });

  it.each([
    ['myASN missing', { myASN: undefined } as never, /spec\.myASN is required/],
    ['both ASNs', { dynamicASN: 'external' as const }, /exactly one of peerASN and dynamicASN/],
    ['no address', { peerAddress: undefined } as never, /exactly one of peerAddress and interface/],
    ['a name as address', { peerAddress: 'router.example' }, /"router\.example" is not an IP address/],
    ['an IPv6 router ID', { routerID: '2001:db8::1' }, /routerID must be an IPv4 address/],
    ['a short hold time', { holdTime: '2s' }, /holdTime must be 0 or at least 3s/],
    ['keepalive above hold', { holdTime: '9s', keepaliveTime: '10s' }, /keepaliveTime must not be longer/],
    ['a bad duration', { holdTime: 'ninety' }, /"ninety" is not a duration/],
    ['a fractional connect time', { connectTime: '1500ms' }, /whole number of seconds/],
    ['password and secret', { password: 'x', passwordSecret: { name: 's' } }, /mutually exclusive/],
    ['multihop on iBGP', { ebgpMultiHop: true }, /ebgpMultiHop is for eBGP only/],
    ['port 0', { peerPort: 0 }, /spec\.peerPort 0 is not an integer from 1 to 16384/],
    ['a string ASN', { myASN: '64512' as unknown as number }, /spec\.myASN "64512" is not an integer/],
  ])('leaves out a peer with %s and says why', (_title, spec, message) => {
    const { peers, peerProblems, config } = build({
      bgpPeers: [bgpPeer('bad', spec), bgpPeer('good', { peerAddress: '198.51.100.2' })],
    });
    expect(peers.map((p) => p.name)).toEqual(['good']);
    const errors = peerProblems.filter((p) => p.severity === 'error');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((p) => p.object.name === 'bad')).toBe(true);
    expect(errors.map((p) => p.message).join('\n')).toMatch(message);
    expect(config.problems.every((p) => p.message.startsWith('peer "bad"'))).toBe(true);
  });

  it('resolves the BFD profile, and runs without BFD (reported) while it does not exist', () => {
    const { peers, peerProblems } = build({
      bfdProfiles: [bfdProfile('fast', { receiveInterval: 50, transmitInterval: 50 })],
      bgpPeers: [
        bgpPeer('with-bfd', { bfdProfile: 'fast' }),
        bgpPeer('typo', { bfdProfile: 'fsat', peerAddress: '198.51.100.2' }),
      ],
    });
    expect(peers[1]?.bfd).toEqual({
      name: 'fast',
      receiveIntervalMs: 50,
      transmitIntervalMs: 50,
      detectMultiplier: 3,
      echoIntervalMs: 50,
      echoMode: false,
      passiveMode: false,
      minimumTtl: 254,
    });
    expect(peers[0]).toMatchObject({ name: 'typo', bfdProfileName: 'fsat' });
    expect(peers[0]?.bfd).toBeUndefined();
    expect(peerProblems).toEqual([
      expect.objectContaining({
        severity: 'warning',
        code: ConfigProblemCode.unknownBfdProfile,
        object: { kind: 'BGPPeer', name: 'typo' },
        related: { kind: 'BFDProfile', name: 'fsat' },
      }),
    ]);
  });

  it('leaves out a BFD profile out of range, and the peer reports it as missing', () => {
    const { config, peerProblems } = build({
      bfdProfiles: [bfdProfile('slow', { detectMultiplier: 1 })],
      bgpPeers: [bgpPeer('p', { bfdProfile: 'slow' })],
    });
    expect(config.bfdProfiles.size).toBe(0);
    expect(config.problems[0]).toMatchObject({
      severity: 'error',
      object: { kind: 'BFDProfile', name: 'slow' },
      field: 'spec.detectMultiplier',
    });
    expect(peerProblems.map((p) => p.code)).toEqual([ConfigProblemCode.unknownBfdProfile]);
  });

  it('reads the password from a basic-auth Secret, and holds the session back while it is unusable', () => {
    const wrongType = { ...basicAuthSecret('opaque', 'x'), type: 'Opaque' };
    const noKey = { ...basicAuthSecret('empty', 'x'), data: {} };
    const { peers, peerProblems } = build({
      secrets: [basicAuthSecret('bgp-auth', 's3cret'), wrongType, noKey],
      bgpPeers: [
        bgpPeer('a', { passwordSecret: { name: 'bgp-auth' }, peerAddress: '198.51.100.1' }),
        bgpPeer('b', { passwordSecret: { name: 'missing' }, peerAddress: '198.51.100.2' }),
        bgpPeer('c', { passwordSecret: { name: 'opaque' }, peerAddress: '198.51.100.3' }),
        bgpPeer('d', { passwordSecret: { name: 'empty' }, peerAddress: '198.51.100.4' }),
        bgpPeer('e', { password: 'inline', peerAddress: '198.51.100.5' }),
      ],
    });
    expect(peers.map((p) => [p.name, p.authentication])).toEqual([
      ['a', { kind: 'password', password: 's3cret' }],
      ['b', { kind: 'unavailable', reason: 'Secret "missing" does not exist (yet)' }],
      [
        'c',
        { kind: 'unavailable', reason: 'Secret "opaque" has type "Opaque", not kubernetes.io/basic-auth' },
      ],
      ['d', { kind: 'unavailable', reason: 'Secret "empty" has no key "password"' }],
      ['e', { kind: 'password', password: 'inline' }],
    ]);
    expect(peerProblems.map((p) => [p.object.name, p.severity, p.code])).toEqual([
      ['b', 'warning', ConfigProblemCode.passwordSecret],
      ['c', 'warning', ConfigProblemCode.passwordSecret],
      ['d', 'warning', ConfigProblemCode.passwordSecret],
    ]);
  });

  it('does not report Secrets when they were not read (the controller)', () => {
    const config = buildConfiguration({ bgpPeers: [bgpPeer('a', { passwordSecret: { name: 'bgp-auth' } })] });
    expect(config.problems).toEqual([]);
    expect(config.bgpPeers[0]?.authentication).toEqual({
      kind: 'unavailable',
      reason: 'Secrets were not read',
    });
  });

  describe('per node', () => {
    const rackA = [{ matchLabels: { rack: 'a' } }];

    it.each([
      ['router IDs', { routerID: '198.51.100.9' }, /router ID 198\.51\.100\.9 vs \(unset\)/],
      ['myASN in one VRF', { myASN: 64513, peerASN: 64513 }, /myASN 64513 vs 64512 in one VRF/],
      ['the same address and port', {}, /both open a session to 198\.51\.100\.1:179/],
    ])('keeps a newer peer that disagrees on %s off the shared nodes only', (_title, spec, why) => {
      const { peers, peerProblems } = build({
        bgpPeers: [
          bgpPeer('old', { nodeSelectors: rackA }, { created: '2026-01-01T00:00:00Z' }),
          bgpPeer('new', spec, { created: '2026-01-02T00:00:00Z' }),
        ],
      });
      expect(peers.map((p) => [p.name, p.nodes])).toEqual([
        ['new', ['n3']],
        ['old', ['n1', 'n2']],
      ]);
      expect(peerProblems.map((p) => [p.object.name, p.severity, p.code, p.related?.name])).toEqual([
        ['new', 'warning', ConfigProblemCode.peerNodeConflict, 'old'],
        ['old', 'warning', ConfigProblemCode.peerNodeConflict, 'new'],
      ]);
      expect(peerProblems[0]?.message).toMatch(
        /does not run on n1, n2: it conflicts with the older peer "old"/,
      );
      expect(peerProblems[0]?.message).toMatch(why);
    });

    it('allows another myASN in another VRF, and another router ID on other nodes', () => {
      const { peers, peerProblems } = build({
        bgpPeers: [
          bgpPeer('default-vrf', { nodeSelectors: rackA }),
          bgpPeer('red', { nodeSelectors: rackA, vrf: 'red', myASN: 65000, peerASN: 65001 }),
          bgpPeer('rack-b', { nodeSelectors: [{ matchLabels: { rack: 'b' } }], routerID: '198.51.100.9' }),
        ],
      });
      expect(peerProblems).toEqual([]);
      expect(peers.map((p) => [p.name, p.nodes])).toEqual([
        ['default-vrf', ['n1', 'n2']],
        ['rack-b', ['n3']],
        ['red', ['n1', 'n2']],
      ]);
    });
  });
});
