/** Values for setsockopt from TypeScript: a C int, and the range check every TTL option shares. */
import { InvalidArgumentError } from './packet-socket-error.ts';

/** A C int in host byte order (Linux on every architecture Node ships for is little-endian). */
export function int32Option(value: number): Buffer {
  const buf = Buffer.alloc(4);
  buf.writeInt32LE(value, 0);
  return buf;
}

/** Throws InvalidArgumentError naming `name` unless `value` is undefined or a TTL (1..255). */
export function checkTtlOption(name: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isInteger(value) || value < 1 || value > 255)) {
    throw new InvalidArgumentError(name, `${value} is not 1..255`);
  }
}
