/**
 * This package's golden vectors (test/vectors/*.hex, one field per line, in arp-wire's vector
 * format) and the capture they came from (test/vectors/capture.pcap).
 */
import path from 'node:path';
import { listVectorsIn, readVectorIn } from '@baremetal-lb/arp-wire/testing';

/** test/vectors of this package (two levels up from src/testing or dist/testing). */
export const VECTORS_DIR = path.resolve(import.meta.dirname, '../../test/vectors');

/** Names (without `.hex`) of the committed vectors, sorted. */
export function listVectors(): string[] {
  return listVectorsIn(VECTORS_DIR);
}

/** The message bytes of vector `name`. */
export function readVector(name: string): Uint8Array {
  return readVectorIn(VECTORS_DIR, name);
}
