import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kubeProxyChain, renderKubeProxyRules } from './kube-proxy-rules.ts';

/** The share of new connections each DNAT rule receives, walking the chain as iptables does. */
function shares(rules: string): number[] {
  let left = 1;
  return rules
    .split('\n')
    .filter((line) => line.includes('-j DNAT'))
    .map((line) => {
      const p = Number(/--probability (\S+)/.exec(line)?.[1] ?? '1');
      const share = left * p;
      left -= share;
      return share;
    });
}

describe('renderKubeProxyRules', () => {
  it('replaces the chain atomically and sends each service to its endpoints', () => {
    const text = renderKubeProxyRules([
      {
        ip: '198.51.100.200',
        port: 80,
        protocol: 'tcp',
        endpoints: ['198.51.100.51:8080', '198.51.100.52:8080'],
      },
    ]);
    expect(text.split('\n')).toEqual([
      '*nat',
      `:${kubeProxyChain} - [0:0]`,
      `-F ${kubeProxyChain}`,
      `-A ${kubeProxyChain} -d 198.51.100.200/32 -p tcp -m tcp --dport 80 -m statistic --mode random --probability 0.5000000000 -j DNAT --to-destination 198.51.100.51:8080`,
      `-A ${kubeProxyChain} -d 198.51.100.200/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 198.51.100.52:8080`,
      'COMMIT',
      '',
    ]);
  });

  it('drops traffic for a service without endpoints', () => {
    expect(renderKubeProxyRules([{ ip: '192.0.2.1', port: 53, protocol: 'udp', endpoints: [] }])).toContain(
      '-d 192.0.2.1/32 -p udp -m udp --dport 53 -j DROP',
    );
  });

  it('gives every endpoint an equal share of new connections', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), (n) => {
        const endpoints = Array.from({ length: n }, (_, i) => `192.0.2.${i + 1}:80`);
        const got = shares(
          renderKubeProxyRules([{ ip: '192.0.2.200', port: 80, protocol: 'tcp', endpoints }]),
        );
        expect(got).toHaveLength(n);
        for (const share of got) expect(share).toBeCloseTo(1 / n, 8);
      }),
    );
  });
});
