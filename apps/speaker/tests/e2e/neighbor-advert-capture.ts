/**
 * Neighbor Advertisements seen by a real capture tool (tshark) inside a lab host's namespace:
 * what a client on the link actually receives, decoded by an independent dissector rather than
 * by our own arp-wire.
 */
import type { LabHost } from '@baremetal-lb/lab';

export type CapturedAdvertisement = {
  /** Capture time (tshark's frame.time_epoch), in ms since the epoch like Date.now(). */
  readonly capturedAtMs: number;
  readonly ethernetSource: string;
  readonly ipv6Destination: string;
  readonly target: string;
  readonly override: boolean;
  readonly solicited: boolean;
  /** Target Link-Layer Address option, "aa:bb:cc:dd:ee:ff", or '' when absent. */
  readonly targetLinkLayer: string;
};

const fields = [
  'frame.time_epoch',
  'eth.src',
  'ipv6.dst',
  'icmpv6.nd.na.target_address',
  'icmpv6.nd.na.flag.o',
  'icmpv6.nd.na.flag.s',
  'icmpv6.opt.linkaddr',
] as const;

/** tshark prints booleans as 1/0 (4.0) or True/False (later versions). */
function isTrue(text: string | undefined): boolean {
  return /^(1|true)$/i.test(text ?? '');
}

/** Normalises "0201...", "02:01:..." or "02-01-..." to "02:01:...". */
function normaliseMac(text: string | undefined): string {
  const hex = (text ?? '').replace(/[^0-9a-f]/gi, '').toLowerCase();
  return hex.length === 12 ? (hex.match(/../g) ?? []).join(':') : '';
}

/**
 * Starts tshark on `host`'s interface, capturing ICMPv6 type 136 only, and resolves once it
 * reports that it is capturing. `close()` stops it.
 */
export async function captureNeighborAdvertisements(host: LabHost): Promise<{
  readonly seen: CapturedAdvertisement[];
  readonly stderr: () => string;
  close(): Promise<void>;
}> {
  const child = host.spawn('tshark', [
    '-i',
    host.ifname,
    '-l',
    '-n',
    '-f',
    'icmp6 and ip6[40] == 136',
    '-T',
    'fields',
    '-E',
    'separator=|',
    ...fields.flatMap((f) => ['-e', f]),
  ]);
  const seen: CapturedAdvertisement[] = [];
  let stderr = '';
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const [epoch, src, dst, target, o, s, lla] = line.split('|');
      if (target === undefined || target === '') continue;
      seen.push({
        capturedAtMs: Number(epoch) * 1000,
        ethernetSource: normaliseMac(src),
        ipv6Destination: dst ?? '',
        target,
        override: isTrue(o),
        solicited: isTrue(s),
        targetLinkLayer: normaliseMac(lla),
      });
    }
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const capturing = new Promise<void>((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      if (stderr.includes('Capturing on')) resolve();
    });
    void exited.then(() => reject(new Error(`tshark exited before capturing: ${stderr}`)));
  });
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`tshark did not start capturing in 15 s: ${stderr}`)), 15_000).unref(),
  );
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    await exited;
  };
  try {
    await Promise.race([capturing, timeout]);
  } catch (error) {
    await close();
    throw error;
  }
  return { seen, stderr: () => stderr, close };
}
