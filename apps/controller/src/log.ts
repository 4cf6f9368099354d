import { createLogger as createJsonLogger } from '@baremetal-lb/kube';
import type { DestinationStream, Logger } from 'pino';
import type { LogLevel } from './flags.ts';

export type { Logger } from 'pino';

/** The controller's JSON-lines logger (see @baremetal-lb/kube's createLogger). */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return createJsonLogger(level, { component: 'controller' }, destination);
}
