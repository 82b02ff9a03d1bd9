/**
 * Where the relay's log events go: a small port, so the relay neither knows nor cares whether a
 * line becomes JSON (`npm run sync -- --mongo-url` and the Fargate task: Powertools, as the
 * functions log) or text (`npm start -- --mongo-url`, the bench), and tests can record events.
 *
 * A message is a short constant phrase a query can filter on (`message = "progress"`); figures and
 * names go into fields. Error texts go in already redacted (`errorFields` in ./errors).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { RELAY_SERVICE_NAME } from './metrics';

/** Field values: numbers, names and redacted texts; an object only of counts (per collection). */
export type LogValue = string | number | boolean | undefined | Readonly<Record<string, number>>;
export type LogFields = Readonly<Record<string, LogValue>>;

export interface RelayLog {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/**
 * One JSON line per event through Powertools' Logger, configured as the functions' (service name
 * from POWERTOOLS_SERVICE_NAME, level from POWERTOOLS_LOG_LEVEL): `level`, `message`, `service`,
 * `timestamp` and the fields. INFO goes to stdout, WARN and ERROR to stderr.
 */
export function powertoolsLog(logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? RELAY_SERVICE_NAME })): RelayLog {
  return {
    info: (message, fields) => logger.info(message, { ...fields }),
    warn: (message, fields) => logger.warn(message, { ...fields }),
    error: (message, fields) => logger.error(message, { ...fields }),
  };
}

/** One text line per event, `message key=value …` (WARN and ERROR say so first), to `write`. */
export function textLog(write: (line: string) => void): RelayLog {
  const line = (prefix: string) => (message: string, fields?: LogFields) => write(`${prefix}${message}${renderFields(fields)}`);
  return { info: line(''), warn: line('WARN '), error: line('ERROR ') };
}

function renderFields(fields: LogFields | undefined): string {
  const parts = Object.entries(fields ?? {})
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${typeof value === 'string' && !/\s|"/.test(value) ? value : JSON.stringify(value)}`);
  return parts.length > 0 ? ` ${parts.join(' ')}` : '';
}
