/**
 * This package's golden vectors (test/vectors/*.hex, one field per line; the format is
 * arp-wire's) and the capture they came from (test/vectors/capture.pcap).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseVectorFile } from '@baremetal-lb/arp-wire/testing';

/** test/vectors of this package (two levels up from src/testing or dist/testing). */
export const VECTORS_DIR = path.resolve(import.meta.dirname, '../../test/vectors');

/** Names (without `.hex`) of the committed vectors, sorted. */
export function listVectors(): string[] {
  return readdirSync(VECTORS_DIR)
    .filter((name) => name.endsWith('.hex'))
    .map((name) => name.slice(0, -'.hex'.length))
    .sort();
}

/** The message bytes of vector `name`. */
export function readVector(name: string): Uint8Array {
  return parseVectorFile(readFileSync(path.join(VECTORS_DIR, `${name}.hex`), 'utf8'));
}
