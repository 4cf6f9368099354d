import { describe, expect, it } from 'vitest';
import { ListBodySplitter } from './list-body-splitter.ts';

const body = JSON.stringify({
  kind: 'ServiceList',
  apiVersion: 'v1',
  metadata: { resourceVersion: '42', continue: 'abc' },
  items: [
    { metadata: { name: 'a', annotations: { x: 'a "quoted" } ] { [ brace' } } },
    { metadata: { name: 'b' }, spec: { ports: [{ port: 80 }, { port: 443 }] } },
    { metadata: { name: 'c\\' } },
  ],
});

function split(chunks: readonly string[]) {
  const items: unknown[] = [];
  const splitter = new ListBodySplitter((item) => items.push(item));
  for (const chunk of chunks) splitter.write(chunk);
  return { items, meta: splitter.end() };
}

describe('ListBodySplitter', () => {
  it('hands out each item and the list metadata, whatever the chunking', () => {
    const expected = JSON.parse(body).items;
    for (const size of [1, 2, 3, 7, 64, body.length]) {
      const chunks: string[] = [];
      for (let i = 0; i < body.length; i += size) chunks.push(body.slice(i, i + size));
      const { items, meta } = split(chunks);
      expect(items, `chunk size ${size}`).toEqual(expected);
      expect(meta).toEqual({ resourceVersion: '42', continue: 'abc' });
    }
  });

  it('reads an empty list, items before metadata, and pretty-printed JSON', () => {
    expect(split(['{"metadata":{"resourceVersion":"7"},"items":[]}'])).toEqual({
      items: [],
      meta: { resourceVersion: '7', continue: '' },
    });
    const pretty = JSON.stringify(
      { items: [{ a: 1 }, { b: [2] }], metadata: { resourceVersion: '9' } },
      null,
      2,
    );
    expect(split([pretty])).toEqual({
      items: [{ a: 1 }, { b: [2] }],
      meta: { resourceVersion: '9', continue: '' },
    });
  });

  it('ignores arrays named otherwise and nested "items" keys', () => {
    const text = JSON.stringify({
      metadata: { resourceVersion: '1', items: [{ no: 1 }] },
      other: [{ no: 2 }],
      items: [{ yes: { items: [{ no: 3 }] } }],
    });
    expect(split([text]).items).toEqual([{ yes: { items: [{ no: 3 }] } }]);
  });

  it('throws a SyntaxError for a truncated body', () => {
    expect(() => split([body.slice(0, body.length / 2)])).toThrow(SyntaxError);
  });
});
