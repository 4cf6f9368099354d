/**
 * The speaker process: `node --conditions=@baremetal-lb/source apps/speaker/src/main.ts [flags]`
 * (or dist/main.js). SIGTERM/SIGINT: graceful leave and exit 0. Bad flags: usage and exit 2.
 */
import { FlagError, parseSpeakerFlags, speakerUsage } from './cli/speaker-flags.ts';
import { createLogger } from './observe/create-logger.ts';
import { runSpeaker } from './run-speaker.ts';

async function main(): Promise<void> {
  let flags: ReturnType<typeof parseSpeakerFlags>;
  try {
    flags = parseSpeakerFlags(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof FlagError) {
      process.stderr.write(`${error.message}\n${speakerUsage}\n`);
      process.exit(2);
    }
    throw error;
  }
  const log = createLogger(flags.logLevel, flags.nodeName);
  let running: Awaited<ReturnType<typeof runSpeaker>>;
  try {
    running = await runSpeaker(flags, log);
  } catch (error) {
    log.fatal({ err: error instanceof Error ? error.message : String(error) }, 'speaker failed to start');
    process.exit(1);
  }
  const shutdown = (signal: string) => {
    log.info({ signal }, 'shutting down');
    running.stop({ graceful: true }).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

void main();
