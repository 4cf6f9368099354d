/**
 * Where the bytes of a V8 heap snapshot go: self sizes summed by node type and, for objects, by
 * constructor name; the largest groups first. Reads the `.heapsnapshot` JSON format (meta
 * describes the field layout of the flat `nodes` array).
 */
import { readFile } from 'node:fs/promises';

export type HeapGroup = { readonly name: string; readonly bytes: number; readonly count: number };

type Snapshot = {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
};

export async function summarizeHeapSnapshot(
  file: string,
  top = 12,
): Promise<{ total: number; groups: HeapGroup[] }> {
  const data = JSON.parse(await readFile(file, 'utf8')) as Snapshot;
  const fields = data.snapshot.meta.node_fields;
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const types = data.snapshot.meta.node_types[0];
  const groups = new Map<string, { bytes: number; count: number }>();
  let total = 0;
  for (let i = 0; i < data.nodes.length; i += width) {
    const type = types[data.nodes[i + typeAt]!] ?? '?';
    const size = data.nodes[i + sizeAt]!;
    total += size;
    // Objects by constructor; everything else (strings, code, arrays, hidden) by type.
    const name = type === 'object' ? `object ${data.strings[data.nodes[i + nameAt]!]}` : `(${type})`;
    const group = groups.get(name) ?? { bytes: 0, count: 0 };
    group.bytes += size;
    group.count += 1;
    groups.set(name, group);
  }
  const sorted = [...groups.entries()]
    .map(([name, g]) => ({ name, ...g }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, top);
  return { total, groups: sorted };
}
