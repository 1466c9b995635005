// What the status bar, the alert notifications and the tree say about the monitor's figures.
// No `vscode` import: unit-tested in plain Node.
import type { Alert, AlertSeverity, AlertType, RunSample } from '../engine/monitor/types';
import type { ProcessSnapshot } from '../engine/snapshot';

const MB = 1024 * 1024;

/** "0.4% CPU", "12% CPU", "230% CPU" (100% is one core). */
export function formatCpu(percent: number): string {
  const p = Math.max(0, percent);
  return `${p < 9.95 ? p.toFixed(1).replace(/\.0$/, '') : Math.round(p)}% CPU`;
}

/** "0.5 MB", "85 MB", "1.2 GB" (binary units, as process monitors count). */
export function formatMemory(bytes: number): string {
  const mb = Math.max(0, bytes) / MB;
  if (mb >= 1024) return `${(mb / 1024).toFixed(1).replace(/\.0$/, '')} GB`;
  if (mb < 9.95) return `${mb.toFixed(1).replace(/\.0$/, '')} MB`;
  return `${Math.round(mb)} MB`;
}

/** "12% CPU · 85 MB" for the newest samples of one or more runs (summed); undefined without any. */
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

/** What a chart series and a quick pick call a run: "ticker · pid 123", "web #1 · pid 9". */
export function runLabel(run: Pick<ProcessSnapshot, 'name' | 'kind' | 'instance' | 'pid'> | undefined, name: string): string {
  if (!run) return name;
  const replica = run.kind === 'service' && run.instance > 0 ? ` #${run.instance}` : '';
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
  /** With codicons: "$(pulse) 3  $(error) 1  $(bell) 2". */
  text: string;
  tooltip: string;
  /** Which theme background the item takes. */
  tone: Tone;
}

/**
 * The status bar's words. Failures and critical alerts take the error colour, other alerts the
 * warning colour; a quiet state takes none. `alerts` is undefined without a monitor.
 */
export function statusSummary(running: number, failed: number, alerts: readonly Alert[] | undefined): StatusSummary {
  const active = alerts ? alerts.filter((a) => !a.resolved) : [];
  const parts = [`$(pulse) ${running}`];
  if (failed > 0) parts.push(`$(error) ${failed}`);
  if (active.length > 0) parts.push(`$(bell) ${active.length}`);
  const lines = [`Dev Processes: ${running} running`];
  if (failed > 0) lines.push(`${failed} failed`);
  if (alerts) lines.push(active.length === 1 ? '1 active alert' : `${active.length} active alerts`);
  else lines.push('no monitor: alerts are off');
  const urgent = active.some((a) => isUrgent(a.severity));
  const tone: Tone = failed > 0 || urgent ? 'error' : active.length > 0 ? 'warning' : undefined;
  return { text: parts.join('  '), tooltip: `${lines.join(', ')}. Click to list alerts and failures.`, tone };
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

  /** Takes an alert event; true when it waits for a notification. */
  offer(alert: Alert): boolean {
    if (alert.resolved) {
      this.pending.delete(alert.id);
      return false;
    }
    if (!isUrgent(alert.severity) || this.seen.has(alert.id)) return false;
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
