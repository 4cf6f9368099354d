/** JSON lines on stdout with ISO timestamps and string levels; `destination` lets tests capture. */
import { type DestinationStream, type Logger, pino } from 'pino';
import type { LogLevel } from '../cli/speaker-flags.ts';

export function createLogger(level: LogLevel, node: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { component: 'speaker', node },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  return destination ? pino(options, destination) : pino(options);
}
