import { describe, expect, it } from 'vitest';

describe('runtime', () => {
  it('runs the tests on Node 24, pinned by the "node" npm package', () => {
    expect(process.versions.node.split('.')[0]).toBe('24');
  });
});
