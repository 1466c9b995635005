import { isNonBlank } from '../text';
import { guarded, problemAt } from './common';
import { parseYamlObject } from './yamlText';
import type { DetectProblem } from './types';

export interface PnpmWorkspace {
  /** The `packages` globs; empty when the file could not be read. */
  globs: string[];
  problems: DetectProblem[];
}

/** `pnpm-workspace.yaml`: its `packages` list of globs. */
export function readPnpmWorkspace(text: string, file: string): PnpmWorkspace {
  const globs: string[] = [];
  const { problems } = guarded('npm', file, () => {
    const { yaml, problem } = parseYamlObject(text, 'npm', file);
    if (problem) return { entries: [], problems: [problem] };
    const { packages } = yaml.value;
    if (packages !== undefined && !Array.isArray(packages)) {
      return { entries: [], problems: [problemAt('npm', yaml.placeOf(['packages']), '"packages" must be a list of folder globs, e.g. ["packages/*"].')] };
    }
    if (Array.isArray(packages)) globs.push(...packages.filter(isNonBlank));
    return { entries: [], problems: [] };
  });
  return { globs, problems };
}
