import { type DestinationStream, type Logger, pino } from 'pino';

/**
 * The apps' logger: JSON lines on stdout, one object per line, ISO timestamps and string levels,
 * so log shippers need no parsing rules. `base` fields go on every line (component, node);
 * `destination` lets tests capture the lines.
 */
export function createLogger(
  level: string,
  base: Readonly<Record<string, string>>,
  destination?: DestinationStream,
): Logger {
  const options = {
    level,
    base: { ...base },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  return destination ? pino(options, destination) : pino(options);
}
