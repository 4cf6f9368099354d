/**
 * baremetal-lb controller: assigns LoadBalancer IPs to Services from IPAddressPools.
 * Run: node --conditions=@baremetal-lb/source src/main.ts [flags]   (see --help)
 */
import { readFileSync } from 'node:fs';
import { startMallocTrim } from '@baremetal-lb/packet-socket';
import { runController } from './app.ts';
import { ControllerError } from './errors.ts';
import { parseFlags, usage } from './flags.ts';
import { createLogger } from './log.ts';

/** Hard deadline for a graceful stop; Kubernetes sends SIGKILL after its grace period anyway. */
const shutdownTimeoutMs = 8_000;

async function main(): Promise<void> {
  let flags: ReturnType<typeof parseFlags>;
  try {
    flags = parseFlags(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${usage}`);
    process.exit(2);
  }
  if (flags.help) {
    process.stdout.write(usage);
    return;
  }
  if (flags.version) {
    // package.json sits beside src/ and dist/ alike (the image keeps it).
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    process.stdout.write(`baremetal-lb-controller ${version}\n`);
    return;
  }
  const log = createLogger(flags.logLevel);
  let running: Awaited<ReturnType<typeof runController>>;
  try {
    running = await runController(flags, { log });
  } catch (error) {
    log.fatal(
      { err: error, code: error instanceof ControllerError ? error.code : undefined },
      'cannot start',
    );
    process.exit(1);
  }
  // A burst of API responses leaves glibc's heap full of free but resident pages (3-4 MB with
  // 5,000 Services); give them back. README, "Benchmark".
  if (startMallocTrim() === undefined) log.info('C heap trimming off: the packet-socket addon is not built');
  const shutdown = (signal: string) => {
    log.info({ signal }, 'shutting down');
    setTimeout(() => {
      log.error('graceful shutdown timed out');
      process.exit(1);
    }, shutdownTimeoutMs).unref();
    running.stop().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.on('unhandledRejection', (error) => log.error({ err: error }, 'unhandled rejection'));
}

await main();
