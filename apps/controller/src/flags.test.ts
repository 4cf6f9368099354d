import { describe, expect, it } from 'vitest';
import { FlagError } from './errors.ts';
import { parseFlags } from './flags.ts';

describe('parseFlags', () => {
  it('has MetalLB-like defaults', () => {
    const options = parseFlags([], { POD_NAME: 'controller-abc' });
    expect(options).toEqual({
      kubeconfig: undefined,
      client: { kubeConfig: {}, rateLimit: { qps: 200, burst: 400 } },
      namespace: 'metallb-system',
      lbClass: undefined,
      metricsHost: '0.0.0.0',
      metricsPort: 7472,
      logLevel: 'info',
      leaderElect: true,
      leaseName: 'baremetal-lb-controller',
      identity: 'controller-abc',
      workers: 32,
      mlSecretName: 'memberlist',
      help: false,
      version: false,
    });
  });

  it("binds metrics and health to the pod's address ($METALLB_HOST) unless --metrics-host says otherwise", () => {
    const env = { METALLB_HOST: '198.18.0.7' };
    expect(parseFlags([], env).metricsHost).toBe('198.18.0.7');
    expect(parseFlags(['--metrics-host=0.0.0.0'], env).metricsHost).toBe('0.0.0.0');
    expect(parseFlags([], { METALLB_HOST: '' }).metricsHost).toBe('0.0.0.0');
  });

  it('reads --help and --version', () => {
    expect(parseFlags(['--version'], {}).version).toBe(true);
    expect(parseFlags(['--help'], {}).help).toBe(true);
  });

  it('reads every flag', () => {
    const options = parseFlags(
      [
        '--kubeconfig=/tmp/kc',
        '--namespace',
        'lb',
        '--lb-class',
        'example.com/lb',
        '--metrics-port=0',
        '--metrics-host=127.0.0.1',
        '--log-level=debug',
        '--no-leader-elect',
        '--identity=me',
        '--ml-secret-name=',
        '--context=staging',
        '--kube-api-qps=20',
        '--kube-api-burst=30',
        '--as=system:serviceaccount:metallb-system:controller',
        '--as-group=system:serviceaccounts',
      ],
      {},
    );
    expect(options.client).toEqual({
      kubeConfig: {
        context: 'staging',
        impersonate: {
          user: 'system:serviceaccount:metallb-system:controller',
          groups: ['system:serviceaccounts'],
        },
      },
      rateLimit: { qps: 20, burst: 30 },
    });
    expect(options.kubeconfig).toBe('/tmp/kc');
    expect(options.namespace).toBe('lb');
    expect(options.lbClass).toBe('example.com/lb');
    expect(options.metricsPort).toBe(0);
    expect(options.metricsHost).toBe('127.0.0.1');
    expect(options.logLevel).toBe('debug');
    expect(options.leaderElect).toBe(false);
    expect(options.identity).toBe('me');
    expect(options.mlSecretName).toBeUndefined();
  });

  it.each([
    [['--bogus'], '--bogus'],
    [['--metrics-port=70000'], '--metrics-port'],
    [['--metrics-port=http'], '--metrics-port'],
    [['--log-level=loud'], '--log-level'],
    [['--workers=0'], '--workers'],
    [['--namespace=Bad_Name'], '--namespace'],
    [['--ml-secret-name=No!'], '--ml-secret-name'],
    [['--kube-api-qps=0'], '--kube-api-qps'],
    [['--kube-api-burst=many'], '--kube-api-burst'],
    [['--as-group=ops'], '--as-group'],
    [['positional'], ''],
  ])('rejects %j with a FlagError naming %s', (argv, flag) => {
    try {
      parseFlags(argv, {});
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(FlagError);
      expect((error as FlagError).code).toBe('ERR_FLAG_INVALID');
      expect((error as FlagError).flag).toBe(flag);
    }
  });
});
