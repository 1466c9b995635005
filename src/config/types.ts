import type { DependencyCondition } from '../core/types';

/** What parsing needs from the outside world, passed in so that parsing stays pure. */
export interface DefinitionContext {
  /** Absolute path of the folder whose settings hold the definitions; undefined with no folder. */
  workspaceFolder: string | undefined;
  /** The environment `${env:NAME}` reads from. */
  env: Record<string, string | undefined>;
  /** The default working directory when no folder is open. */
  homeDir: string;
}

/** One item of `dependsOn` as written. */
export interface DeclaredDependency {
  name: string;
  /** Undefined for a bare name: the condition then follows from the kind of the named definition. */
  condition?: DependencyCondition;
  /** `reuse: true`: a job's successful run is used again rather than run anew. */
  reuse?: boolean;
  /** Where it was written, e.g. `dependsOn[1]`. */
  field: string;
}
