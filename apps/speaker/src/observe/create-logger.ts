import { createLogger as createJsonLogger } from '@baremetal-lb/kube';
import type { DestinationStream, Logger } from 'pino';
import type { LogLevel } from '../cli/speaker-flags.ts';

/** The speaker's JSON-lines logger (see @baremetal-lb/kube's createLogger). */
export function createLogger(level: LogLevel, node: string, destination?: DestinationStream): Logger {
  return createJsonLogger(level, { component: 'speaker', node }, destination);
}
