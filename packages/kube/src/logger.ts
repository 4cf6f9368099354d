/**
 * The structured logger this layer writes to: pino's call shape (`log.warn({ fields }, 'message')`),
 * so an app hands its pino logger in unchanged.
 */
export interface Logger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}
