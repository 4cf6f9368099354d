import { describe, expect, it } from 'vitest';
import { defaultExcludeInterfacePatterns } from '../layer2/interfaces/interface-eligibility.ts';
import { FlagError, parseSpeakerFlags } from './speaker-flags.ts';

describe('parseSpeakerFlags', () => {
  it('has MetalLB-like defaults and reads NODE_NAME', () => {
    const f = parseSpeakerFlags([], { NODE_NAME: 'n1' });
    expect(f).toMatchObject({
      nodeName: 'n1',
      namespace: 'metallb-system',
      mlBindPort: 7946,
      metricsPort: 7472,
      logLevel: 'info',
      lbClass: undefined,
      gratuitousIntervalMs: 1100,
      gratuitousDurationMs: 5000,
      requestRateLimit: 1000,
      responderPriority: 0,
    });
    expect(f.excludeInterfaces).toEqual(defaultExcludeInterfacePatterns);
    expect(f.metricsHost).toBe('0.0.0.0');
    expect(f.client).toEqual({ kubeConfig: {}, rateLimit: { qps: 50, burst: 100 } });
  });

  it('reads the Kubernetes client flags: context, request budget, impersonation', () => {
    const f = parseSpeakerFlags(
      [
        '--kubeconfig=/etc/kc',
        '--context=lab',
        '--kube-api-qps=5',
        '--kube-api-burst=10',
        '--as=system:serviceaccount:metallb-system:speaker',
        '--as-group=system:serviceaccounts',
        '--as-uid=u-1',
      ],
      { NODE_NAME: 'n1' },
    );
    expect(f.kubeconfig).toBe('/etc/kc');
    expect(f.client).toEqual({
      kubeConfig: {
        context: 'lab',
        impersonate: {
          user: 'system:serviceaccount:metallb-system:speaker',
          uid: 'u-1',
          groups: ['system:serviceaccounts'],
        },
      },
      rateLimit: { qps: 5, burst: 10 },
    });
  });

  it("binds metrics and health to the node's address ($METALLB_HOST) unless --metrics-host says otherwise", () => {
    const env = { NODE_NAME: 'n1', METALLB_HOST: '198.51.100.11' };
    expect(parseSpeakerFlags([], env).metricsHost).toBe('198.51.100.11');
    expect(parseSpeakerFlags(['--metrics-host=0.0.0.0'], env).metricsHost).toBe('0.0.0.0');
    expect(parseSpeakerFlags([], { ...env, METALLB_HOST: '' }).metricsHost).toBe('0.0.0.0');
  });

  it('prefers flags over the environment', () => {
    const f = parseSpeakerFlags(
      [
        '--node-name=n2',
        '--namespace',
        'lb',
        '--ml-bind-port=17946',
        '--exclude-interfaces=^lo$, ^docker.*',
        '--lb-class=x',
        '--log-level=debug',
        '--ml-secret-path=/k',
        '--responder-priority=20',
      ],
      { NODE_NAME: 'n1' },
    );
    expect(f).toMatchObject({
      nodeName: 'n2',
      namespace: 'lb',
      mlBindPort: 17946,
      excludeInterfaces: ['^lo$', '^docker.*'],
      lbClass: 'x',
      logLevel: 'debug',
      mlSecretPath: '/k',
      responderPriority: 20,
    });
    expect(parseSpeakerFlags(['--exclude-interfaces='], { NODE_NAME: 'n' }).excludeInterfaces).toEqual([]);
  });

  it.each([
    [[], {}, 'node-name'],
    [['--ml-bind-port=70000'], { NODE_NAME: 'n' }, 'ml-bind-port'],
    [['--log-level=loud'], { NODE_NAME: 'n' }, 'log-level'],
    [['--bogus'], { NODE_NAME: 'n' }, 'args'],
    [['--gratuitous-interval-ms=-1'], { NODE_NAME: 'n' }, 'gratuitous-interval-ms'],
    [['--responder-priority=100'], { NODE_NAME: 'n' }, 'responder-priority'],
    [['--responder-priority=2.5'], { NODE_NAME: 'n' }, 'responder-priority'],
    [['--kube-api-qps=none'], { NODE_NAME: 'n' }, 'kube-api-qps'],
    [['--kube-api-burst=0'], { NODE_NAME: 'n' }, 'kube-api-burst'],
    [['--as-uid=7'], { NODE_NAME: 'n' }, 'as-uid'],
  ])('rejects %j with a FlagError naming the flag', (argv, env, flag) => {
    expect(() => parseSpeakerFlags(argv, env)).toThrow(expect.objectContaining({ name: 'FlagError', flag }));
    expect(() => parseSpeakerFlags(argv, env)).toThrow(FlagError);
  });
});
