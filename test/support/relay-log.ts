/** A relay log (lib/sync/relay/log.ts) that keeps every event, for tests to read. */
import type { LogFields, RelayLog } from '../../lib/sync/relay/log';

export interface LogEvent {
  level: 'INFO' | 'WARN' | 'ERROR';
  message: string;
  fields: LogFields;
}

export interface RecordingLog extends RelayLog {
  readonly events: LogEvent[];
  /** The events with this message. */
  withMessage(message: string): LogEvent[];
  /** Every event as JSON, one a line: what a secret must never be found in. */
  text(): string;
}

export function recordingLog(): RecordingLog {
  const events: LogEvent[] = [];
  const record =
    (level: LogEvent['level']) =>
    (message: string, fields: LogFields = {}) =>
      void events.push({ level, message, fields });
  return {
    events,
    info: record('INFO'),
    warn: record('WARN'),
    error: record('ERROR'),
    withMessage: (message) => events.filter((event) => event.message === message),
    text: () => events.map((event) => JSON.stringify(event)).join('\n'),
  };
}
