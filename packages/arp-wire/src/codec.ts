/**
 * The shape every codec in this package has (DESIGN.md "Codecs"). Encoders never throw on a
 * well-typed value except when the target buffer is too small; decoders check the length before
 * every read, throw only ArpWireError, and return values that share no memory with `buf`.
 */
export type Codec<T> = {
  /** Bytes `encodeInto` will write for `value`. */
  readonly encodedLength: (value: T) => number;
  /** Writes `value` at `offset` and returns the number of bytes written. Allocates nothing. */
  readonly encodeInto: (value: T, buf: Uint8Array, offset: number) => number;
  /** `value` in a new, exactly sized Buffer. */
  readonly encode: (value: T) => Buffer;
  /** Reads a value from `buf[offset, end)`; bytes after the value are ignored or kept as stated. */
  readonly decode: (buf: Uint8Array, offset?: number, end?: number) => T;
};

/** Builds `encode` from `encodedLength` and `encodeInto`. */
export function encodeWith<T>(
  encodedLength: (value: T) => number,
  encodeInto: (value: T, buf: Uint8Array, offset: number) => number,
): (value: T) => Buffer {
  return (value) => {
    const buf = Buffer.alloc(encodedLength(value));
    encodeInto(value, buf, 0);
    return buf;
  };
}
