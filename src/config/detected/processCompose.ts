import * as path from 'node:path';
import type { DependencyCondition } from '../../core/types';
import { isNonBlank, isObject, quote } from '../text';
import { badName, detected, groupOf, guarded, problemAt, relativeCwd } from './common';
import { keepRunnable, type PendingEntry, type WrittenDependency } from './dependencies';
import { healthCheckOf, restartOf, stopOf } from './processComposeFields';
import { parseYamlObject, type YamlObject } from './yamlText';
import type { DetectProblem, DetectResult } from './types';

/** process-compose's conditions, as ours name them; "completed" is the nearest for any end. */
const CONDITIONS: Readonly<Record<string, DependencyCondition>> = {
  process_started: 'started',
  process_healthy: 'healthy',
  process_log_ready: 'healthy',
  process_completed: 'completed',
  process_completed_successfully: 'completed',
};
const DEFAULT_CONDITION = 'process_started';

/**
 * `process-compose.yaml`: each process of `processes` an entry `process-compose: NAME`, its
 * command run through the shell as process-compose does. A process something waits on to
 * complete is a job; the others are services. Keys we have no field for are ignored.
 */
export function parseProcessCompose(text: string, file: string, folder: string): DetectResult {
  return guarded('process-compose', file, () => {
    const { yaml, problem } = parseYamlObject(text, 'process-compose', file);
    if (problem) return { entries: [], problems: [problem] };
    const processes = yaml.value.processes;
    if (processes === undefined) return { entries: [], problems: [] };
    if (!isObject(processes)) {
      return { entries: [], problems: [problemAt('process-compose', yaml.placeOf(['processes']), '"processes" must be a mapping of process names to their settings.')] };
    }
    return readProcesses(processes, yaml, file, folder);
  });
}

function readProcesses(processes: Record<string, unknown>, yaml: YamlObject, file: string, folder: string): DetectResult {
  const problems: DetectProblem[] = [];
  const usable = new Map<string, Record<string, unknown>>();
  for (const [name, process] of Object.entries(processes)) {
    const at = yaml.placeOf(['processes', name]);
    const why = badName(name, 'process') ?? (isObject(process) ? undefined : `process ${quote(name)} must be a mapping with a "command"; skipped.`);
    if (why !== undefined) problems.push(problemAt('process-compose', at, why));
    else if (isObject(process) && process.disabled !== true) {
      if (isNonBlank(process.command)) usable.set(name, process);
      else problems.push(problemAt('process-compose', at, `process ${quote(name)} has no "command"; skipped.`));
    }
  }
  const jobs = awaitedToComplete(usable);
  const pending: PendingEntry[] = [];
  for (const [name, process] of usable) {
    const kind = jobs.has(name) ? 'job' : 'service';
    const service = kind === 'service';
    const dependsOn = dependencies(name, process.depends_on, jobs, yaml);
    const fields = {
      command: process.command,
      shell: true,
      cwd: workingDir(process.working_dir, file, folder),
      env: environment(yaml.value.environment, process.environment),
      kind,
      dependsOn: dependsOn.length > 0 ? dependsOn.map(({ name: dependency, condition }) => ({ name: dependency, condition })) : undefined,
      healthCheck: service ? healthCheckOf(process) : undefined,
      restart: service ? restartOf(process.availability) : undefined,
      stop: stopOf(process.shutdown),
      group: groupOf(process.namespace),
    };
    const entry = detected('process-compose', `process-compose: ${name}`, folder, yaml.placeOf(['processes', name]), fields);
    pending.push({ entry, label: name, dependsOn });
  }
  const settled = keepRunnable('process-compose', pending);
  return { entries: settled.entries, problems: [...problems, ...settled.problems] };
}

/** The processes another one waits on to complete: they run to an end, so they are jobs. */
function awaitedToComplete(processes: ReadonlyMap<string, Record<string, unknown>>): Set<string> {
  const jobs = new Set<string>();
  for (const process of processes.values()) {
    if (!isObject(process.depends_on)) continue;
    for (const [name, how] of Object.entries(process.depends_on)) {
      if (CONDITIONS[conditionOf(how)] === 'completed') jobs.add(name);
    }
  }
  return jobs;
}

function conditionOf(how: unknown): string {
  return isObject(how) && typeof how.condition === 'string' ? how.condition : DEFAULT_CONDITION;
}

type Dependency = WrittenDependency & { condition: DependencyCondition };

function dependencies(process: string, raw: unknown, jobs: ReadonlySet<string>, yaml: YamlObject): Dependency[] {
  if (!isObject(raw)) return [];
  return Object.entries(raw).map(([label, how]) => {
    const condition = CONDITIONS[conditionOf(how)] ?? 'started';
    // A job is never "healthy": what waits on it being up waits on it being done.
    const usable = condition === 'healthy' && jobs.has(label) ? 'completed' : condition;
    return { name: `process-compose: ${label}`, label, condition: usable, at: yaml.placeOf(['processes', process, 'depends_on', label]) };
  });
}

/** `working_dir`, relative to the file's folder as process-compose resolves it. */
function workingDir(raw: unknown, file: string, folder: string): string | undefined {
  const dir = isNonBlank(raw) ? path.resolve(path.dirname(file), raw) : path.dirname(file);
  return relativeCwd(folder, dir);
}

/** The file's `environment`, then the process's over it. */
function environment(shared: unknown, own: unknown): Record<string, string> | undefined {
  const env: Record<string, string> = {};
  for (const [key, value] of [...pairsOf(shared), ...pairsOf(own)]) {
    if (key.trim() !== '' && ['string', 'number', 'boolean'].includes(typeof value)) env[key.trim()] = String(value);
  }
  return Object.keys(env).length > 0 ? env : undefined;
}

/** `environment`: a list of `KEY=value`, or (leniently) a mapping. */
function pairsOf(raw: unknown): [string, unknown][] {
  if (isObject(raw)) return Object.entries(raw);
  if (!Array.isArray(raw)) return [];
  return raw.filter((item): item is string => typeof item === 'string' && item.includes('=')).map((item) => [item.slice(0, item.indexOf('=')), item.slice(item.indexOf('=') + 1)]);
}
