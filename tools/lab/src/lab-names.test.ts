import { describe, expect, it } from 'vitest';
import { InvalidLabNameError } from './lab-error.ts';
import { hostLinkName, namespaceName, ownerPid } from './lab-names.ts';

describe('lab names', () => {
  it('round-trips the owner pid through namespace and host link names', () => {
    expect(ownerPid(namespaceName(4242, 3, 'node0'))).toBe(4242);
    expect(ownerPid(hostLinkName(4194304, 35, 'v79'))).toBe(4194304);
    expect(hostLinkName(4194304, 35, 'v79').length).toBeLessThanOrEqual(15);
  });

  it("ignores names that are not the lab's", () => {
    expect(ownerPid('eth0')).toBeUndefined();
    expect(ownerPid('docker0')).toBeUndefined();
    expect(ownerPid('bmlb-x-1-a')).toBeUndefined();
  });

  it('refuses labels that cannot become interface or namespace names', () => {
    expect(() => namespaceName(1, 0, 'Node 0')).toThrow(InvalidLabNameError);
    expect(() => namespaceName(1, 0, '')).toThrow(InvalidLabNameError);
    expect(() => hostLinkName(4194304, 1_000_000, 'bridge')).toThrow(InvalidLabNameError);
  });
});
