import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkPrerequisites, findMissing, MissingPrerequisiteError } from './prerequisites.ts';

const absent = { name: 'bmlb-no-such-command', debianPackage: 'bmlb-none' };

describe('checkPrerequisites', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('names a missing command and the package that provides it', () => {
    expect(findMissing({ commands: [absent] })).toEqual([
      'command "bmlb-no-such-command" (apt-get install bmlb-none)',
    ]);
    expect(findMissing({ commands: [{ name: 'sh', debianPackage: 'dash' }] })).toEqual([]);
  });

  it('names a missing file and the package that provides it', () => {
    expect(findMissing({ files: [{ path: '/bmlb/no/such/plugin', debianPackage: 'bmlb-none' }] })).toEqual([
      'file "/bmlb/no/such/plugin" (apt-get install bmlb-none)',
    ]);
    expect(findMissing({ files: [{ path: '/bin/sh', debianPackage: 'dash' }] })).toEqual([]);
  });

  it('skips loudly by default', () => {
    vi.stubEnv('BMLB_REQUIRE_ALL', '');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(checkPrerequisites('demo suite', { commands: [absent] })).toBe(false);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('SKIPPING demo suite'));
    warn.mockRestore();
  });

  it('fails under BMLB_REQUIRE_ALL=1', () => {
    vi.stubEnv('BMLB_REQUIRE_ALL', '1');
    expect(() => checkPrerequisites('demo suite', { commands: [absent] })).toThrow(MissingPrerequisiteError);
  });
});
