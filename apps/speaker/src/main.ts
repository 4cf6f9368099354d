/**
 * The speaker process: `node --conditions=@baremetal-lb/source apps/speaker/src/main.ts [flags]`
 * (or dist/main.js). SIGTERM/SIGINT: graceful leave and exit 0. Bad flags: usage and exit 2.
 */
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { startMallocTrim } from '@baremetal-lb/packet-socket';
import { FlagError, parseSpeakerFlags, speakerUsage } from './cli/speaker-flags.ts';
import { createLogger } from './observe/create-logger.ts';
import { runSpeaker } from './run-speaker.ts';

async function main(): Promise<void> {
  // Before parsing: the other flags (a required --node-name) do not matter for these two.
  const argv = process.argv.slice(2);
  if (argv.includes('--help')) {
    process.stdout.write(`${speakerUsage}\n`);
    return;
  }
  if (argv.includes('--version')) {
    // package.json sits beside src/ and dist/ alike (the image keeps it).
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    process.stdout.write(`baremetal-lb-speaker ${version}\n`);
    return;
  }
  let flags: ReturnType<typeof parseSpeakerFlags>;
  try {
    flags = parseSpeakerFlags(argv, process.env);
  } catch (error) {
    if (error instanceof FlagError) {
      process.stderr.write(`${error.message}\n${speakerUsage}\n`);
      process.exit(2);
    }
    throw error;
  }
  const log = createLogger(flags.logLevel, flags.nodeName);
  // Handlers before start-up: as a container's PID 1 the process has no default action for
  // SIGTERM, so a signal while it still waits for the API server would be ignored until the
  // kubelet's SIGKILL. Before it runs there is nothing to leave or withdraw.
  let running: Awaited<ReturnType<typeof runSpeaker>> | undefined;
  const shutdown = (signal: string) => {
    if (running === undefined) {
      log.info({ signal }, 'stopped before start-up finished');
      process.exit(0);
    }
    log.info({ signal }, 'shutting down');
    running.stop({ graceful: true }).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  try {
    running = await runSpeaker(flags, log);
  } catch (error) {
    log.fatal({ err: error instanceof Error ? error.message : String(error) }, 'speaker failed to start');
    process.exit(1);
  }
  // Without it V8 keeps the heap pages it freed mapped and resident (out of both isolates' heaps):
  // 69-80 MiB after 1,500 Services arrived. Set now, not on the command line: there it makes
  // Node's built-in code cache (made with default V8 flags) miss, so Node's modules compile from
  // source at start-up. V8's flags are per process: the responder thread's isolate gets it too.
  // README, "Footprint and start-up".
  setFlagsFromString('--optimize-for-size');
  // glibc keeps the free pages of its heaps resident after a burst of API objects: 15-25 MiB
  // per speaker once 5,000 Services had arrived. Every 10 s they go back to the kernel.
  startMallocTrim();
}

void main();
