/**
 * A separate process holding BFD sessions, so a test or the bench can SIGKILL "our side" the way
 * a crashed speaker dies, and load its main thread. argv[2]: JSON PeerProcessOptions. Prints one
 * JSON line per event; a line on stdin asks for sessions, stats and resource usage.
 *
 * `thread: 'main'` runs the endpoint on the main thread instead of a worker: the bench uses it to
 * show what main-thread stalls would do.
 */
import { isIPv6 } from 'node:net';
import { BfdEndpoint, type SessionSpec } from '../src/bfd-endpoint.ts';
import { BfdWorker } from '../src/bfd-worker.ts';
import { openUdpTransport } from '../src/udp-transport.ts';
import { answerArpAndNdp, type StormResponderOptions } from './storm-responder.ts';

export type PeerProcessOptions = {
  readonly netns: string;
  readonly specs: readonly (Omit<SessionSpec, 'auth'> & {
    auth?: { type: number; keyId: number; secret: string };
  })[];
  readonly thread?: 'worker' | 'main';
  readonly realtimePriority?: number;
  /** Receive sockets bind to this address (several processes in one namespace); default any. */
  readonly listenAddress?: string;
  /** Worker only: who times the sessions (BfdWorker's `pacer`); default BfdWorker's. */
  readonly pacer?: 'native' | 'js';
  /** Blocks the main thread for `forMs` every `everyMs` (a busy speaker, a long GC pause). */
  readonly stall?: { readonly everyMs: number; readonly forMs: number };
  /** Answers ARP/NDP for these service IPs on the main thread (the soak's request storm). */
  readonly responder?: Omit<StormResponderOptions, 'netns'>;
};

const options = JSON.parse(process.argv[2] ?? '{}') as PeerProcessOptions;
const specs = options.specs.map((spec) =>
  spec.auth === undefined ? spec : { ...spec, auth: { ...spec.auth, secret: Buffer.from(spec.auth.secret) } },
) as SessionSpec[];
const print = (message: object) => console.log(JSON.stringify(message));

const transportOptions = {
  netns: options.netns,
  ...(options.listenAddress === undefined
    ? {}
    : {
        listenAddress: isIPv6(options.listenAddress)
          ? { 6: options.listenAddress }
          : { 4: options.listenAddress },
      }),
};

let api: Pick<BfdWorker, 'sessions' | 'stats' | 'close'>;
let scheduling = 'main thread';
if (options.thread === 'main') {
  const endpoint = new BfdEndpoint({
    transport: openUdpTransport(transportOptions),
    onStateChange: (change) => print({ event: 'change', change }),
  });
  for (const spec of specs) endpoint.addSession(spec);
  api = {
    sessions: async () => endpoint.sessions(),
    stats: async () => endpoint.stats(),
    close: async () => endpoint.close(),
  };
} else {
  const worker = await BfdWorker.start({
    ...transportOptions,
    ...(options.realtimePriority === undefined ? {} : { realtimePriority: options.realtimePriority }),
    ...(options.pacer === undefined ? {} : { pacer: options.pacer }),
  });
  worker.onStateChange((change) => print({ event: 'change', change }));
  for (const spec of specs) await worker.addSession(spec);
  scheduling = `worker, ${worker.scheduling}`;
  api = worker;
}

if (options.stall !== undefined) {
  const { everyMs, forMs } = options.stall;
  setInterval(() => {
    // Busy and allocating, like a speaker digesting a large list while the GC runs.
    const until = performance.now() + forMs;
    let garbage: number[][] = [];
    while (performance.now() < until) {
      garbage.push(new Array(1000).fill(1));
      if (garbage.length > 1000) garbage = [];
    }
  }, everyMs);
}

const responder =
  options.responder === undefined
    ? undefined
    : answerArpAndNdp({ ...options.responder, netns: options.netns });

print({ event: 'ready', scheduling });
process.stdin.on('data', async () => {
  print({
    event: 'sessions',
    sessions: await api.sessions(),
    stats: await api.stats(),
    cpuUs: process.cpuUsage(),
    memory: process.memoryUsage(),
    answered: responder?.answered() ?? 0,
  });
});
process.stdin.on('end', async () => {
  await responder?.close();
  await api.close();
  process.exit(0);
});
