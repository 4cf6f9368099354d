import { describe, expect, it } from 'vitest';
import { toJson } from './kube-client.ts';

describe('toJson', () => {
  it('writes bigints as exact JSON integers', () => {
    expect(toJson({ a: 9223372036854775807n, b: 'x', c: [1n, 2] })).toBe(
      '{"a":9223372036854775807,"b":"x","c":[1,2]}',
    );
  });
});
