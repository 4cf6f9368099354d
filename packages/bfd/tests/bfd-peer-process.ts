/**
 * A separate process holding one BFD session through BfdWorker, so a test can SIGKILL "our side"
 * the way a crashed speaker dies. argv[2]: JSON { netns, spec }. Prints one JSON line per event.
 */
import { BfdWorker } from '../src/bfd-worker.ts';

const { netns, spec } = JSON.parse(process.argv[2] ?? '{}');
if (spec?.auth?.secret !== undefined) spec.auth.secret = Buffer.from(spec.auth.secret);
const worker = await BfdWorker.start({ netns });
worker.onStateChange((change) => console.log(JSON.stringify({ event: 'change', change })));
await worker.addSession(spec);
console.log(JSON.stringify({ event: 'ready', scheduling: worker.scheduling }));
process.stdin.on('data', async () => {
  console.log(JSON.stringify({ event: 'sessions', sessions: await worker.sessions(), stats: await worker.stats() }));
});
process.stdin.on('end', async () => {
  await worker.close();
  process.exit(0);
});
