/** The values `${...}` variables expand to. */
export interface VariableValues {
  /** Absolute path of the workspace folder; undefined when no folder is open. */
  workspaceFolder: string | undefined;
  /** The environment `${env:NAME}` reads from. */
  env: Record<string, string | undefined>;
}

/** The result of expanding one string. */
export interface Expansion {
  text: string;
  /**
   * Known variables that have no value here (only `workspaceFolder` with no folder open).
   * They are left in `text` as written, so the caller can report them.
   */
  unresolved: string[];
}

const VARIABLE = /\$\{([^{}]*)\}/g;
const ENV_PREFIX = 'env:';

/**
 * Expands `${workspaceFolder}` and `${env:NAME}` (a missing NAME gives an empty string).
 * Any other variable, `${instance}` included, is left as written. One pass only: a value that
 * itself contains `${...}` is not expanded again.
 */
export function expandVariables(text: string, values: VariableValues): Expansion {
  const unresolved: string[] = [];
  const expanded = text.replace(VARIABLE, (whole, variable: string) => {
    if (variable === 'workspaceFolder') {
      if (values.workspaceFolder !== undefined) return values.workspaceFolder;
      if (!unresolved.includes(variable)) unresolved.push(variable);
      return whole;
    }
    if (variable.startsWith(ENV_PREFIX) && variable.length > ENV_PREFIX.length) {
      return readEnv(values.env, variable.slice(ENV_PREFIX.length));
    }
    return whole;
  });
  return { text: expanded, unresolved };
}

function readEnv(env: Record<string, string | undefined>, name: string): string {
  // Own properties only: `${env:constructor}` must not reach Object.prototype.
  if (!Object.hasOwn(env, name)) return '';
  const value = env[name];
  return typeof value === 'string' ? value : '';
}
