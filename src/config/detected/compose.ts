import * as path from 'node:path';
import { isObject, quote } from '../text';
import { badName, detected, groupOf, guarded, problemAt, relativeCwd } from './common';
import { parseYamlObject } from './yamlText';
import type { DetectProblem, DetectResult } from './types';

/** The names `docker compose` looks for, in its own order of preference. */
export const COMPOSE_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'] as const;

/**
 * A compose file: each service of `services` an entry `compose: SERVICE` that runs
 * `docker compose -f FILE up SERVICE` in the file's folder. An interrupt is how compose is asked
 * to stop its containers cleanly.
 */
export function parseCompose(text: string, file: string, folder: string): DetectResult {
  return guarded('compose', file, () => {
    const { yaml, problem } = parseYamlObject(text, 'compose', file);
    if (problem) return { entries: [], problems: [problem] };
    const { services } = yaml.value;
    if (services === undefined) return { entries: [], problems: [] };
    if (!isObject(services)) {
      return { entries: [], problems: [problemAt('compose', yaml.placeOf(['services']), '"services" must be a mapping of service names to their settings.')] };
    }
    const result: DetectResult = { entries: [], problems: [] as DetectProblem[] };
    const cwd = relativeCwd(folder, path.dirname(file));
    for (const [service, settings] of Object.entries(services)) {
      const at = yaml.placeOf(['services', service]);
      const why = badName(service, 'service') ?? (isObject(settings) ? undefined : `service ${quote(service)} must be a mapping of its settings; skipped.`);
      if (why !== undefined) {
        result.problems.push(problemAt('compose', at, why));
        continue;
      }
      const args = ['compose', '-f', path.basename(file), 'up', service];
      const fields = { command: 'docker', args, cwd, kind: 'service', stop: { signal: 'SIGINT' }, group: groupOf(isObject(settings) ? settings.profiles : undefined) };
      result.entries.push(detected('compose', `compose: ${service}`, folder, at, fields));
    }
    return result;
  });
}
