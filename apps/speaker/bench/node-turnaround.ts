/**
 * The responder's own share of an ARP reply's latency: request in → reply out on the owner
 * node's interface, from tcpdump's kernel timestamps (nanosecond precision), so neither the
 * client's wake-up nor its JavaScript is in it. tshark decodes the capture afterwards.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type LabHost, runCommand } from '@baremetal-lb/lab';

export type TurnaroundCapture = {
  /** Stops the capture; turnaround of each answered request, µs. */
  stop(): Promise<number[]>;
};

export async function captureTurnaround(host: LabHost, ip: string): Promise<TurnaroundCapture> {
  const dir = await mkdtemp(path.join(tmpdir(), 'bmlb-turnaround-'));
  const file = path.join(dir, 'arp.pcap');
  const dump = host.spawn('tcpdump', [
    '-i',
    host.ifname,
    '-w',
    file,
    '--time-stamp-precision=nano',
    '-B',
    '16384',
    `arp host ${ip}`,
  ]);
  const exited = new Promise((resolve) => dump.once('exit', resolve));
  // tcpdump has no "listening" signal when writing a file: give it time to attach.
  await new Promise((r) => setTimeout(r, 1000));
  return {
    async stop() {
      // libpcap hands frames over a ring block at a time, a block at the latest after its 1 s
      // timeout: stop only once the last block has been handed over, or its frames are lost.
      await new Promise((r) => setTimeout(r, 1500));
      dump.kill('SIGINT');
      await exited;
      try {
        const { stdout } = await runCommand('tshark', [
          '-r',
          file,
          '-T',
          'fields',
          '-e',
          'frame.time_epoch',
          '-e',
          'arp.opcode',
        ]);
        return pairTurnarounds(stdout);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Each reply paired with the request just before it (one request in flight at a time). */
function pairTurnarounds(fields: string): number[] {
  const out: number[] = [];
  let requestAt: number | undefined;
  for (const line of fields.trim().split('\n')) {
    const [time, opcode] = line.split('\t');
    if (opcode === '1') requestAt = Number(time);
    else if (opcode === '2' && requestAt !== undefined) {
      out.push((Number(time) - requestAt) * 1e6);
      requestAt = undefined;
    }
  }
  return out;
}
