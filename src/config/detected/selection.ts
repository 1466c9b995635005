import { DETECT_SOURCES, type DetectSelection, type DetectSource } from './types';

function every(on: (source: DetectSource) => boolean): DetectSelection {
  return Object.fromEntries(DETECT_SOURCES.map((s) => [s, on(s)])) as Record<DetectSource, boolean>;
}

/**
 * `devProcesses.detect`: `true` or absent for every source, `false` for none, an object of
 * `{ "npm": false, ... }` (sources it does not name stay on), or an array naming the sources to
 * read. Anything else reads every source, as the default does.
 */
export function parseDetectSelection(raw: unknown): DetectSelection {
  if (raw === false) return every(() => false);
  if (Array.isArray(raw)) return every((s) => raw.includes(s));
  if (raw !== null && typeof raw === 'object') return every((s) => (raw as Record<string, unknown>)[s] !== false);
  return every(() => true);
}
