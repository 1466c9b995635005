import * as path from 'node:path';
import { SETTINGS_SCHEMA, choicesOf } from './schema';
import { expandVariables } from './variables';

export const TIMESTAMPS_SETTING = 'devProcesses.output.timestamps';

/** How each output line is timed: not at all, local time of day, or ISO 8601 (UTC). */
export type TimestampMode = 'none' | 'time' | 'iso';

export const TIMESTAMP_MODES = choicesOf<TimestampMode>(SETTINGS_SCHEMA[TIMESTAMPS_SETTING]);

/** `devProcesses.output.timestamps`: one of its choices; anything else gives "none". */
export function readTimestampMode(raw: unknown): TimestampMode {
  return TIMESTAMP_MODES.includes(raw as TimestampMode) ? (raw as TimestampMode) : 'none';
}

export const LOGS_SETTINGS = {
  enabled: 'devProcesses.logs.enabled',
  directory: 'devProcesses.logs.directory',
  maxSizeMB: 'devProcesses.logs.maxSizeMB',
  maxFiles: 'devProcesses.logs.maxFiles',
} as const;
const SIZE_SCHEMA = SETTINGS_SCHEMA[LOGS_SETTINGS.maxSizeMB];
const FILES_SCHEMA = SETTINGS_SCHEMA[LOGS_SETTINGS.maxFiles];

/** The log files' settings, validated: a value out of its range or of the wrong type gives the default. */
export interface LogSettings {
  enabled: boolean;
  /** Where the files go: an absolute path, or undefined for the workspace's storage. */
  directory: string | undefined;
  maxBytes: number;
  maxFiles: number;
}

/** What `devProcesses.logs.directory` is resolved against. */
export interface LogDirectoryContext {
  workspaceFolder: string | undefined;
  env: Record<string, string | undefined>;
  homeDir: string;
}

/** `devProcesses.logs.*` as read from settings (`read(key)` gives the raw value of the key after `devProcesses.`). */
export function readLogSettings(read: (key: string) => unknown, ctx: LogDirectoryContext): LogSettings {
  const size = read('logs.maxSizeMB');
  const files = read('logs.maxFiles');
  const maxSizeMB = typeof size === 'number' && size >= SIZE_SCHEMA.minimum && size <= SIZE_SCHEMA.maximum ? size : SIZE_SCHEMA.default;
  const maxFiles = typeof files === 'number' && Number.isInteger(files) && files >= FILES_SCHEMA.minimum && files <= FILES_SCHEMA.maximum ? files : FILES_SCHEMA.default;
  return {
    enabled: read('logs.enabled') !== false,
    directory: resolveLogDirectory(read('logs.directory'), ctx),
    maxBytes: Math.floor(maxSizeMB * 1024 * 1024),
    maxFiles,
  };
}

/**
 * `devProcesses.logs.directory` as an absolute path: `${workspaceFolder}`, `${env:NAME}` and a
 * leading `~` expand, a relative path is taken from the first workspace folder. Empty, or
 * relative with no folder open: undefined (the workspace's storage).
 */
export function resolveLogDirectory(raw: unknown, ctx: LogDirectoryContext): string | undefined {
  if (typeof raw !== 'string' || raw.trim() === '') return undefined;
  const { text, unresolved } = expandVariables(raw.trim(), ctx);
  if (unresolved.length > 0) return undefined;
  const expanded = text === '~' || text.startsWith('~/') ? path.join(ctx.homeDir, text.slice(1)) : text;
  if (path.isAbsolute(expanded)) return path.normalize(expanded);
  return ctx.workspaceFolder === undefined ? undefined : path.resolve(ctx.workspaceFolder, expanded);
}
