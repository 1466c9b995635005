import type { ProcessSpec, RunState } from '../../core/types';

/** What a run keeps of the monitor's reading of its listening ports. */
export interface PortReading {
  /** The leader the reading was made for: a restart's new process has not been read yet. */
  pid: number;
  ports: number[];
}

/** The ports a run's tree listens on now: the last reading of its current process while it runs; [] otherwise. */
export function portsOf(run: { state: RunState; pid: number | null; listening: PortReading | undefined }): number[] {
  const live = run.state === 'running' || run.state === 'stopping';
  return live && run.listening !== undefined && run.listening.pid === run.pid ? [...run.listening.ports] : [];
}

/** Keeps a reading; true when it changes what the run's snapshot says. */
export function notePorts(run: { state: RunState; pid: number | null; listening: PortReading | undefined }, pid: number, ports: number[]): boolean {
  if (pid !== run.pid) return false;
  const before = portsOf(run);
  run.listening = { pid, ports };
  const after = portsOf(run);
  return before.length !== after.length || before.some((p, i) => p !== after[i]);
}

/** The definition's `port` for one replica; undefined when it declares none (or it is not a port). */
export function declaredPort(spec: Pick<ProcessSpec, 'port'>, instance: number): number | undefined {
  const port = typeof spec.port === 'string' ? Number(spec.port.replaceAll('${instance}', String(instance))) : spec.port;
  return port !== undefined && Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
}
