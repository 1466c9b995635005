// No `vscode` import: unit-tested in plain Node.
import type { LauncherLoss } from '../platform/launcher';

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The one notification for a lost launcher: what happened and what it means for the runs. */
export function launcherLossMessage(loss: LauncherLoss): string {
  const parts = [`Dev Processes: the process launcher stopped unexpectedly (${loss.reason}) and was restarted.`];
  if (loss.running > 0) {
    const one = loss.running === 1;
    parts.push(
      `${count(loss.running, 'running process keeps', 'running processes keep')} running; when ${one ? 'it ends, its' : 'they end, their'} exit status is unknown (launcher-lost): ` +
        'a service restarts per its restart policy, a job is not retried.',
    );
  }
  if (loss.failedStarts > 0) parts.push(`${count(loss.failedStarts, 'start', 'starts')} it had not confirmed failed.`);
  return parts.join(' ');
}
