import { describe, expect, it } from 'vitest';
import { withOverrides } from './start-api-server.ts';

describe('withOverrides', () => {
  it('replaces a default flag set again, keeps the others, and appends the extras', () => {
    const defaults = [
      '--disable-admission-plugins=ServiceAccount',
      '--endpoint-reconciler-type=none',
      '--profiling=false',
    ];
    expect(withOverrides(defaults, ['--disable-admission-plugins=', '--audit-log-path=/x'])).toEqual([
      '--endpoint-reconciler-type=none',
      '--profiling=false',
      '--disable-admission-plugins=',
      '--audit-log-path=/x',
    ]);
  });

  it('leaves the defaults alone without extras', () => {
    expect(withOverrides(['--a=1', '--b=2'], [])).toEqual(['--a=1', '--b=2']);
  });
});
