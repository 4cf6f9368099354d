import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { clientFlagOptions, clientFlagsUsage, readClientFlags } from './client-flags.ts';
import { KubeFlagError } from './kube-error.ts';

const defaults = { qps: 50, burst: 100 };

function read(...args: string[]) {
  const { values } = parseArgs({ args, options: clientFlagOptions, strict: true });
  return readClientFlags(values, defaults);
}

describe('readClientFlags', () => {
  it('keeps the app defaults and the current context when no flag is given', () => {
    expect(read()).toEqual({ kubeConfig: {}, rateLimit: defaults });
    expect(read('--context', '', '--as', '')).toEqual({ kubeConfig: {}, rateLimit: defaults });
  });

  it('reads the context, the request budget and the impersonation', () => {
    expect(
      read(
        '--context=staging',
        '--kube-api-qps=2.5',
        '--kube-api-burst',
        '7',
        '--as=jane',
        '--as-group=dev',
        '--as-group',
        'ops',
        '--as-uid=42',
      ),
    ).toEqual({
      kubeConfig: { context: 'staging', impersonate: { user: 'jane', uid: '42', groups: ['dev', 'ops'] } },
      rateLimit: { qps: 2.5, burst: 7 },
    });
    expect(read('--kube-api-burst=3').rateLimit).toEqual({ qps: 50, burst: 3 });
  });

  it.each([
    [['--kube-api-qps=0'], '--kube-api-qps'],
    [['--kube-api-qps=-1'], '--kube-api-qps'],
    [['--kube-api-qps=fast'], '--kube-api-qps'],
    [['--kube-api-qps='], '--kube-api-qps'],
    [['--kube-api-burst=0'], '--kube-api-burst'],
    [['--kube-api-burst=1.5'], '--kube-api-burst'],
    [['--as-group=dev'], '--as-group'],
    [['--as-uid=42'], '--as-uid'],
  ])('refuses %j with a KubeFlagError naming %s', (args, flag) => {
    let caught: unknown;
    try {
      read(...args);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(KubeFlagError);
    expect(caught).toMatchObject({ code: 'ERR_KUBE_FLAG', flag });
  });
});

describe('clientFlagsUsage', () => {
  it('lists every flag with the app defaults, aligned at the column', () => {
    const text = clientFlagsUsage(defaults, 24);
    for (const name of Object.keys(clientFlagOptions)) expect(text).toContain(`--${name} `);
    expect(text).toContain('(default 50)');
    expect(text).toContain('(default 100)');
    for (const line of text.split('\n'))
      expect([line.charAt(23), line.charAt(24)]).toEqual([' ', expect.stringMatching(/\S/)]);
  });
});
