/**
 * Golden vector files (test/vectors/*.hex): `#` starts a comment; every other line holds one
 * protocol field as hex, optionally followed by a `# layer.field` comment.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FrameField } from './frame-fields.ts';

/** test/vectors of this package (two levels up from src/testing or dist/testing). */
export const VECTORS_DIR = path.resolve(import.meta.dirname, '../../test/vectors');

/** The frame bytes a vector file describes. */
export function parseVectorFile(text: string): Uint8Array {
  const hex = text
    .split('\n')
    .map((line) => line.replace(/#.*/, '').replace(/\s+/g, ''))
    .join('');
  if (!/^([0-9a-f]{2})*$/i.test(hex)) throw new Error('vector file: not an even run of hex digits');
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

/** A vector file: the note lines as comments, then one field per line. */
export function formatVectorFile(note: readonly string[], fields: readonly FrameField[]): string {
  const width = Math.max(...fields.map((field) => field.bytes.length * 2));
  const lines = note.map((line) => `# ${line}`.trimEnd());
  for (const field of fields) {
    const hex = Buffer.from(field.bytes).toString('hex');
    lines.push(`${hex.padEnd(width)}  # ${field.layer}.${field.name}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Names (without `.hex`) of the committed vectors, sorted. */
export function listVectors(): string[] {
  return listVectorsIn(VECTORS_DIR);
}

/** Names (without `.hex`) of the vectors in `dir` (another package's test/vectors), sorted. */
export function listVectorsIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.hex'))
    .map((name) => name.slice(0, -'.hex'.length))
    .sort();
}

/** The frame of vector `name`. */
export function readVector(name: string): Uint8Array {
  return readVectorIn(VECTORS_DIR, name);
}

/** The bytes of vector `name` in `dir` (another package's test/vectors). */
export function readVectorIn(dir: string, name: string): Uint8Array {
  return parseVectorFile(readFileSync(path.join(dir, `${name}.hex`), 'utf8'));
}
