/**
 * Receives from a connection until `count` frames arrived or `quietMs` passed without any, then
 * ends the iterator (without closing the connection). For the kernel tests.
 */
import type { PacketConn } from '../packet-conn.ts';

export async function collectFrames(
  conn: Pick<PacketConn, 'receive'>,
  count = Number.POSITIVE_INFINITY,
  quietMs = 300,
): Promise<Buffer[]> {
  const frames: Buffer[] = [];
  const iterator = conn.receive();
  try {
    while (frames.length < count) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), quietMs);
      });
      const result = await Promise.race([iterator.next(), timeout]);
      clearTimeout(timer);
      if (result === 'timeout' || result.done) break;
      frames.push(...result.value);
    }
  } finally {
    await iterator.return?.();
  }
  return frames;
}
