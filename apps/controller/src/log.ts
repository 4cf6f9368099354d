import { type DestinationStream, type Logger, pino } from 'pino';
import type { LogLevel } from './flags.ts';

export type { Logger } from 'pino';

/**
 * JSON lines on stdout, one object per line, with ISO timestamps so log shippers need no parsing
 * rules. `destination` lets tests capture the lines.
 */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { component: 'controller' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  return destination ? pino(options, destination) : pino(options);
}
