import { MAX_TIMER_MS } from '../schedulingFields';
import { isNonBlank, isObject } from '../text';

/** process-compose's probe timing in seconds -> ours in milliseconds, with our lower bound. */
const SECONDS: readonly [theirs: string, ours: string, minimumMs: number][] = [
  ['initial_delay_seconds', 'initialDelayMs', 0],
  ['period_seconds', 'intervalMs', 100],
  ['timeout_seconds', 'timeoutMs', 1],
];
const COUNTS: readonly [theirs: string, ours: string][] = [
  ['failure_threshold', 'failureThreshold'],
  ['success_threshold', 'successThreshold'],
];
const RESTART_POLICIES: Readonly<Record<string, string>> = { always: 'always', on_failure: 'on-failure', no: 'never' };
/** `shutdown.signal` is a number there. */
const SIGNALS: Readonly<Record<number, string>> = { 1: 'SIGHUP', 2: 'SIGINT', 3: 'SIGQUIT', 15: 'SIGTERM' };

/** `readiness_probe` (or `ready_log_line`) and `liveness_probe`, as far as ours can say them. */
export function healthCheckOf(process: Record<string, unknown>): Record<string, unknown> | undefined {
  const readiness = probeOf(process.readiness_probe) ?? logProbe(process.ready_log_line);
  const liveness = probeOf(process.liveness_probe);
  if (!readiness && !liveness) return undefined;
  const check: Record<string, unknown> = {};
  if (readiness) check.readiness = readiness;
  if (liveness) check.liveness = liveness;
  return check;
}

function probeOf(raw: unknown): Record<string, unknown> | undefined {
  if (!isObject(raw)) return undefined;
  const probe = httpProbe(raw.http_get) ?? execProbe(raw.exec);
  if (!probe) return undefined;
  for (const [theirs, ours, minimum] of SECONDS) {
    const seconds = raw[theirs];
    if (typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0) {
      probe[ours] = Math.min(Math.max(Math.round(seconds * 1000), minimum), MAX_TIMER_MS);
    }
  }
  for (const [theirs, ours] of COUNTS) {
    const count = raw[theirs];
    if (typeof count === 'number' && Number.isInteger(count) && count >= 1) probe[ours] = count;
  }
  return probe;
}

function httpProbe(raw: unknown): Record<string, unknown> | undefined {
  if (!isObject(raw)) return undefined;
  const port = typeof raw.port === 'string' ? Number(raw.port) : raw.port;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) return undefined;
  const scheme = raw.scheme === 'https' ? 'https' : 'http';
  const host = isNonBlank(raw.host) ? raw.host.trim() : '127.0.0.1';
  const path = isNonBlank(raw.path) ? raw.path.trim() : '/';
  const url = `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}${path.startsWith('/') ? path : `/${path}`}`;
  return URL.canParse(url) ? { type: 'http', url } : undefined;
}

/** Their exec probe is a shell command line. */
function execProbe(raw: unknown): Record<string, unknown> | undefined {
  if (!isObject(raw) || !isNonBlank(raw.command)) return undefined;
  return { type: 'exec', command: 'sh', args: ['-c', raw.command] };
}

/** `ready_log_line`: ready at the first line that holds this text. */
function logProbe(raw: unknown): Record<string, unknown> | undefined {
  if (!isNonBlank(raw)) return undefined;
  return { type: 'log', pattern: raw.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') };
}

/** `availability.restart`, where ours has the same policy; `exit_on_failure` stops a whole project, which ours does not. */
export function restartOf(availability: unknown): Record<string, unknown> | undefined {
  if (!isObject(availability) || typeof availability.restart !== 'string') return undefined;
  const policy = RESTART_POLICIES[availability.restart];
  return policy === undefined ? undefined : { policy };
}

/** `shutdown.signal` and `shutdown.timeout_seconds`. */
export function stopOf(shutdown: unknown): Record<string, unknown> | undefined {
  if (!isObject(shutdown)) return undefined;
  const stop: Record<string, unknown> = {};
  const signal = typeof shutdown.signal === 'number' ? SIGNALS[shutdown.signal] : undefined;
  if (signal) stop.signal = signal;
  const seconds = shutdown.timeout_seconds;
  if (typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0) stop.timeoutMs = Math.min(Math.round(seconds * 1000), MAX_TIMER_MS);
  return Object.keys(stop).length > 0 ? stop : undefined;
}
