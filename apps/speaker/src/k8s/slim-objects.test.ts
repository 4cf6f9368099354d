import { describe, expect, it } from 'vitest';
import { slimSecret } from './slim-objects.ts';

describe('slimSecret', () => {
  it("keeps only a basic-auth Secret's password", () => {
    expect(
      slimSecret({
        metadata: { name: 'pw', namespace: 'metallb-system', resourceVersion: '7', annotations: { a: 'b' } },
        type: 'kubernetes.io/basic-auth',
        data: { username: 'dXNlcg==', password: 'cHc=' },
      } as never),
    ).toEqual({
      metadata: { name: 'pw', namespace: 'metallb-system', resourceVersion: '7' },
      type: 'kubernetes.io/basic-auth',
      data: { password: 'cHc=' },
    });
  });

  it('keeps no data of any other Secret', () => {
    expect(
      slimSecret({
        metadata: { name: 'memberlist', namespace: 'metallb-system' },
        type: 'Opaque',
        data: { secretkey: 'c2VjcmV0' },
      }),
    ).toEqual({ metadata: { name: 'memberlist', namespace: 'metallb-system' }, type: 'Opaque' });
  });
});
