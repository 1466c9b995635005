// What the status bar, the alert notifications and the tree say about the monitor's figures.
// No `vscode` import: unit-tested in plain Node.
import type { Alert, AlertSeverity, AlertType, RunSample } from '../engine/monitor/types';
import type { ProcessSnapshot } from '../engine/run/snapshot';

const MB = 1024 * 1024;

/** "0.4% CPU", "12% CPU", "230% CPU" (100% is one core). */
export function formatCpu(percent: number): string {
  const p = Math.max(0, percent);
  return `${p < 9.95 ? p.toFixed(1).replace(/\.0$/, '') : Math.round(p)}% CPU`;
}

/** "0.5 MiB", "85 MiB", "1.2 GiB": binary units, as process monitors count and `maxMemoryMB` means. */
export function formatMemory(bytes: number): string {
  const mb = Math.max(0, bytes) / MB;
  if (mb >= 1024) return `${(mb / 1024).toFixed(1).replace(/\.0$/, '')} GiB`;
  if (mb < 9.95) return `${mb.toFixed(1).replace(/\.0$/, '')} MiB`;
  return `${Math.round(mb)} MiB`;
}

/** "12% CPU · 85 MiB" for the newest samples of one or more runs (summed); undefined without any. */
export function formatUsage(samples: readonly (RunSample | undefined)[]): string | undefined {
  const present = samples.filter((s): s is RunSample => s !== undefined);
  if (present.length === 0) return undefined;
  const cpu = present.reduce((sum, s) => sum + s.cpuPercent, 0);
  const rss = present.reduce((sum, s) => sum + s.rssBytes, 0);
  return `${formatCpu(cpu)} · ${formatMemory(rss)}`;
}

/** "just now", "42 s ago", "3 min ago", "2 h ago". */
export function formatAge(ms: number): string {
  const s = Math.floor(Math.max(0, ms) / 1000);
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  return `${Math.floor(m / 60)} h ago`;
}

/**
 * What a chart series and a quick pick call a run: "ticker · pid 123", "web #0 · pid 9". Every
 * instance of a replicated service carries its "#N", as in its output prefix "[#N]".
 */
export function runLabel(run: Pick<ProcessSnapshot, 'name' | 'kind' | 'instance' | 'pid'> | undefined, name: string, replicated = run !== undefined && run.kind === 'service' && run.instance > 0): string {
  if (!run) return name;
  const replica = replicated ? ` #${run.instance}` : '';
  return `${run.name}${replica}${run.pid !== null ? ` · pid ${run.pid}` : ''}`;
}

const TYPE_LABELS: Record<AlertType, string> = {
  memory: 'memory',
  cpu: 'CPU',
  idle: 'idle',
  errorRate: 'error rate',
  down: 'down',
  hung: 'hung',
};

export function alertTypeLabel(type: AlertType): string {
  return TYPE_LABELS[type] ?? String(type);
}

const SEVERITY_ICONS: Record<AlertSeverity, string> = {
  info: '$(info)',
  warning: '$(warning)',
  critical: '$(error)',
  emergency: '$(flame)',
};

export function severityIcon(severity: AlertSeverity): string {
  return SEVERITY_ICONS[severity] ?? '$(bell)';
}

const SEVERITY_RANK: Record<AlertSeverity, number> = { info: 0, warning: 1, critical: 2, emergency: 3 };

export function severityRank(severity: AlertSeverity): number {
  return SEVERITY_RANK[severity] ?? 0;
}

/** Critical and emergency alerts interrupt the user (a notification); the others only count. */
export function isUrgent(severity: AlertSeverity): boolean {
  return severityRank(severity) >= SEVERITY_RANK.critical;
}

/** Active alerts, most severe first, then newest first. */
export function sortAlerts(alerts: readonly Alert[]): Alert[] {
  return alerts.filter((a) => !a.resolved).sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || b.at - a.at);
}

/**
 * Runs that failed and were not followed by a newer run of the same definition and instance (a
 * failed build that was retried and passed no longer counts). Runs are given oldest first.
 */
export function latestFailed<T extends Pick<ProcessSnapshot, 'name' | 'instance' | 'adhoc' | 'state' | 'id'>>(runs: readonly T[]): T[] {
  const latest = new Map<string, T>();
  for (const run of runs) latest.set(run.adhoc ? `adhoc\u0000${run.id}` : `${run.name}\u0000${run.instance}`, run);
  return [...latest.values()].filter((r) => r.state === 'failed');
}

export type Tone = 'error' | 'warning' | undefined;

export interface StatusSummary {
  /** With codicons: "$(server-process) 3 running  $(error) 1 failed  $(bell) 2 alerts". */
  text: string;
  tooltip: string;
  /** Which theme background the item takes. */
  tone: Tone;
}

/**
 * The status bar's words: spelled out ("3 running", "1 failed"), so the item is not taken for the
 * editor's own problem counter. Failures and critical alerts take the error colour, other alerts
 * the warning colour; a quiet state takes none. `failed` and `alerts` leave out what the user
 * cleared; `alerts` is undefined without a monitor.
 */
export function statusSummary(running: number, failed: number, alerts: readonly Alert[] | undefined): StatusSummary {
  const active = alerts ? alerts.filter((a) => !a.resolved) : [];
  const parts = [`$(server-process) ${running} running`];
  if (failed > 0) parts.push(`$(error) ${failed} failed`);
  if (active.length > 0) parts.push(`$(bell) ${active.length} alert${active.length === 1 ? '' : 's'}`);
  const lines = [`Dev Processes: ${running} running`];
  if (failed > 0) lines.push(`${failed} failed`);
  if (alerts) lines.push(active.length === 1 ? '1 active alert' : `${active.length} active alerts`);
  else lines.push('no monitor: alerts are off');
  const urgent = active.some((a) => isUrgent(a.severity));
  const tone: Tone = failed > 0 || urgent ? 'error' : active.length > 0 ? 'warning' : undefined;
  const click = failed > 0 || active.length > 0 ? 'Click to list them, or to clear them from here.' : 'Click to list alerts and failures.';
  return { text: parts.join('  '), tooltip: `${lines.join(', ')}. ${click}`, tone };
}

/** "web (×3)": names in first-seen order, repeats counted (replicas share a name). */
function nameList(alerts: readonly Alert[], max: number): string {
  const counts = new Map<string, number>();
  for (const a of alerts) counts.set(a.name, (counts.get(a.name) ?? 0) + 1);
  const names = [...counts].map(([name, n]) => (n > 1 ? `${name} (×${n})` : name));
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

/** The text of one notification for several urgent alerts at once. */
export function groupMessage(alerts: readonly Alert[], maxNames = 5): string {
  const n = alerts.length;
  const types = new Set(alerts.map((a) => a.type));
  if (types.size === 1) {
    const [type] = types;
    if (type === 'down') return `${n} processes are down: ${nameList(alerts, maxNames)}`;
    if (type === 'hung') return `${n} processes stopped answering: ${nameList(alerts, maxNames)}`;
    return `${n} processes are over their ${alertTypeLabel(type)} limit: ${nameList(alerts, maxNames)}`;
  }
  return `${n} critical alerts (${[...types].map(alertTypeLabel).join(', ')}): ${nameList(alerts, maxNames)}`;
}

/** What the notifier shows next: one alert with its actions, or a group of them. */
export type Notice = { kind: 'single'; alert: Alert } | { kind: 'group'; alerts: Alert[]; message: string; severity: AlertSeverity };

/**
 * Which urgent alerts still need a notification: each alert id at most once, resolved ones
 * dropped before they are shown, and everything pending at one moment merged into one notice.
 */
export class AlertQueue {
  private readonly seen = new Set<string>();
  private readonly pending = new Map<string, Alert>();

  /** @param remember how many alert ids to keep in mind (the oldest are forgotten first). */
  constructor(private readonly remember = 5000) {}

  /** Takes an alert event; true when it waits for a notification. `wanted`: urgent ones by default. */
  offer(alert: Alert, wanted = isUrgent(alert.severity)): boolean {
    if (alert.resolved) {
      this.pending.delete(alert.id);
      return false;
    }
    if (!wanted || this.seen.has(alert.id)) return false;
    this.seen.add(alert.id);
    // A Set iterates in insertion order: the first entry is the oldest.
    if (this.seen.size > this.remember) this.seen.delete(this.seen.values().next().value as string);
    this.pending.set(alert.id, alert);
    return true;
  }

  get size(): number {
    return this.pending.size;
  }

  /** Empties the queue into at most one notice. */
  take(): Notice | undefined {
    const alerts = [...this.pending.values()];
    this.pending.clear();
    if (alerts.length === 0) return undefined;
    if (alerts.length === 1) return { kind: 'single', alert: alerts[0] };
    const severity = alerts.some((a) => a.severity === 'emergency') ? 'emergency' : 'critical';
    return { kind: 'group', alerts, message: groupMessage(alerts), severity };
  }
}

/**
 * Failures and alerts the user cleared from the status bar: they stop counting there (and stop
 * colouring it) until something new fails or alerts. Ids of runs and alerts that no longer exist
 * are forgotten at the next clear.
 */
export class Acknowledgements {
  private readonly ids = new Set<string>();

  /** Clears everything given: those failures and alerts no longer count. */
  clear(failed: readonly { id: string }[], alerts: readonly Alert[]): void {
    this.ids.clear();
    for (const r of failed) this.ids.add(`run\u0000${r.id}`);
    for (const a of alerts) if (!a.resolved) this.ids.add(`alert\u0000${a.id}`);
  }

  failures<T extends { id: string }>(failed: readonly T[]): T[] {
    return failed.filter((r) => !this.ids.has(`run\u0000${r.id}`));
  }

  alerts(alerts: readonly Alert[]): Alert[] {
    return alerts.filter((a) => !this.ids.has(`alert\u0000${a.id}`));
  }
}
