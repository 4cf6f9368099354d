import { buildConfiguration } from '@baremetal-lb/config';
import { describe, expect, it } from 'vitest';
import { GRACEFUL_RESTART_SECONDS, peerSessionOptions } from './peer-session-options.ts';

const resolve = (spec: object) =>
  buildConfiguration({
    bgpPeers: [{ metadata: { name: 'p' }, spec: { myASN: 64512, ...spec } }],
    nodes: [{ metadata: { name: 'n1', labels: {} } }],
  }).bgpPeers[0]!;

describe('peerSessionOptions', () => {
  it('router ID: spec.routerID, else the node IPv4, else CRC32 of the node name', () => {
    const peer = resolve({ peerASN: 64513, peerAddress: '198.51.100.1' });
    expect(peerSessionOptions(peer, 'n1', ['2001:db8::10', '198.51.100.10'])).toMatchObject({
      routerId: '198.51.100.10',
    });
    const fromName = peerSessionOptions(peer, 'n1', []);
    expect('routerId' in fromName && fromName.routerId).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(
      peerSessionOptions(
        resolve({ peerASN: 64513, peerAddress: '198.51.100.1', routerID: '198.51.100.99' }),
        'n1',
        ['198.51.100.10'],
      ),
    ).toMatchObject({ routerId: '198.51.100.99' });
  });

  it('families: the session address family, both with dualStackAddressFamily (next hop of the other family)', () => {
    const v4 = peerSessionOptions(resolve({ peerASN: 64513, peerAddress: '198.51.100.1' }), 'n1', []);
    expect(v4).toMatchObject({ options: { ipv4: true, ipv6: false } });
    const dual = peerSessionOptions(
      resolve({ peerASN: 64513, peerAddress: '198.51.100.1', dualStackAddressFamily: true }),
      'n1',
      ['198.51.100.10', '2001:db8::10'],
    );
    expect(dual).toMatchObject({ options: { ipv4: true, ipv6: true, nextHopIpv6: '2001:db8::10' } });
    const v6 = peerSessionOptions(resolve({ peerASN: 64513, peerAddress: '2001:db8::1' }), 'n1', []);
    expect(v6).toMatchObject({ options: { ipv4: false, ipv6: true } });
  });

  it('graceful restart, dynamicASN internal, fingerprints', () => {
    const gr = peerSessionOptions(
      resolve({ peerASN: 64513, peerAddress: '198.51.100.1', enableGracefulRestart: true }),
      'n1',
      [],
    );
    expect(gr).toMatchObject({
      options: { gracefulRestart: { restartTimeSeconds: GRACEFUL_RESTART_SECONDS } },
    });
    const internal = peerSessionOptions(
      resolve({ dynamicASN: 'internal', peerAddress: '198.51.100.1' }),
      'n1',
      [],
    );
    expect(internal).toMatchObject({ options: { peerAsn: 64512 } });
    const a = peerSessionOptions(resolve({ peerASN: 64513, peerAddress: '198.51.100.1' }), 'n1', []);
    const b = peerSessionOptions(
      resolve({ peerASN: 64513, peerAddress: '198.51.100.1', holdTime: '30s' }),
      'n1',
      [],
    );
    const a2 = peerSessionOptions(resolve({ peerASN: 64513, peerAddress: '198.51.100.1' }), 'n1', []);
    expect('fingerprint' in a && 'fingerprint' in b && 'fingerprint' in a2).toBe(true);
    if ('fingerprint' in a && 'fingerprint' in b && 'fingerprint' in a2) {
      expect(a.fingerprint).toBe(a2.fingerprint);
      expect(a.fingerprint).not.toBe(b.fingerprint);
    }
  });

  it('FRR-only features are named, not run', () => {
    expect(
      peerSessionOptions(resolve({ dynamicASN: 'external', peerAddress: '198.51.100.1' }), 'n1', []),
    ).toEqual({
      unsupported: 'dynamicASN external is not supported',
    });
    expect(
      peerSessionOptions(resolve({ peerASN: 64513, peerAddress: '198.51.100.1', localASN: 65000 }), 'n1', []),
    ).toEqual({ unsupported: 'spec.localASN is not supported' });
  });
});
