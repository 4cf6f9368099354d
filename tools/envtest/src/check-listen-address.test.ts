import { describe, expect, it } from 'vitest';
import { checkListenAddress } from './start-envtest.ts';

describe('checkListenAddress', () => {
  it.each(['127.0.0.1', '192.0.2.1', '2001:db8::1', '::1'])('accepts %s', (address) => {
    expect(() => checkListenAddress(address)).not.toThrow();
  });

  it.each(['0.0.0.0', '::', '0:0::0', 'localhost', '', '192.0.2.1:80'])('rejects %j', (address) => {
    expect(() => checkListenAddress(address)).toThrow(
      expect.objectContaining({ code: 'ERR_ENVTEST_BAD_ADDRESS' }),
    );
  });
});
