/**
 * A fresh Uint8Array holding `buf[start, end)`. Not `buf.slice`: on a Node Buffer that returns a
 * view of the same memory, and decoded values must never alias a reused receive buffer.
 */
export function copyBytes(buf: Uint8Array, start: number, end: number): Uint8Array {
  const out = new Uint8Array(end - start);
  out.set(buf.subarray(start, end));
  return out;
}
