import { describe, expect, it } from 'vitest';
import { readHardLimits, renderContainersConf, ulimitFlags } from './containers-conf.ts';

const limits = `Limit                     Soft Limit           Hard Limit           Units
Max processes             96368                96368                processes
Max open files            1024                 20000                files
`;

describe('readHardLimits', () => {
  it('reads the hard column of /proc/self/limits', () => {
    expect(readHardLimits(limits)).toEqual({ nofile: 20000, nproc: 96368 });
    expect(
      readHardLimits(limits.replace('96368                processes', 'unlimited            processes')),
    ).toEqual({
      nofile: 20000,
      nproc: undefined,
    });
  });

  it('reads this process', () => {
    expect(readHardLimits().nofile).toBeGreaterThan(0);
  });
});

describe('ulimitFlags', () => {
  it('gives the hard limits as soft and hard, nproc at most 32768', () => {
    expect(ulimitFlags({ nofile: 20000, nproc: 96368 })).toEqual([
      '--ulimit=nofile=20000:20000',
      '--ulimit=nproc=32768:32768',
    ]);
    expect(ulimitFlags({ nofile: undefined, nproc: 4096 })).toEqual(['--ulimit=nproc=4096:4096']);
  });
});

describe('renderContainersConf', () => {
  it('sets runc, cgroupfs and no default network', () => {
    const conf = renderContainersConf();
    expect(conf).toMatch(/^runtime = "runc"$/m);
    expect(conf).toMatch(/^cgroup_manager = "cgroupfs"$/m);
    expect(conf).toMatch(/^netns = "none"$/m);
  });
});
