import { SETTINGS_SCHEMA, choicesOf } from './schema';

export const TIMESTAMPS_SETTING = 'devProcesses.output.timestamps';

/** How each output line is timed: not at all, local time of day, or ISO 8601 (UTC). */
export type TimestampMode = 'none' | 'time' | 'iso';

export const TIMESTAMP_MODES = choicesOf<TimestampMode>(SETTINGS_SCHEMA[TIMESTAMPS_SETTING]);

/** `devProcesses.output.timestamps`: one of its choices; anything else gives "none". */
export function readTimestampMode(raw: unknown): TimestampMode {
  return TIMESTAMP_MODES.includes(raw as TimestampMode) ? (raw as TimestampMode) : 'none';
}
