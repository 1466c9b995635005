import * as path from 'node:path';
import { quote } from '../text';
import { badName, detected, emptyResult, guarded, problemAt, relativeCwd, tooLarge } from './common';
import type { DetectProblem, DetectResult, FilePosition } from './types';

/** `web: bundle exec rails server -p $PORT`, as foreman and overmind read it. */
const PROCESS_LINE = /^([A-Za-z0-9_-]+):[ \t]*(.*?)\s*$/;
/** foreman's ports: 5000 for the first line, 100 more for each next one. */
const FIRST_PORT = 5000;
const PORT_STEP = 100;
const USES_PORT = /\$(\{PORT\}|PORT\b)/;
/** Heroku runs the `release` line once per deploy (migrations): it ends by itself. */
const ONE_OFF = 'release';

/**
 * A Procfile (or Procfile.dev): each `name: command` line a service run through the shell in the
 * file's folder (a `release` line a job). `#` comments and blank lines are skipped; any other
 * line is one problem.
 */
export function parseProcfile(text: string, file: string, folder: string): DetectResult {
  const large = tooLarge('Procfile', text, file);
  if (large) return { entries: [], problems: [large] };
  return guarded('Procfile', file, () => readLines(text, file, folder));
}

function readLines(text: string, file: string, folder: string): DetectResult {
  const result = emptyResult();
  const cwd = relativeCwd(folder, path.dirname(file));
  const seen = new Set<string>();
  const lines = text.split('\n');
  for (let line = 0; line < lines.length; line++) {
    const found = readLine(lines[line], { file, line, column: 0 });
    if (found === undefined) continue;
    if ('message' in found) {
      result.problems.push(found);
    } else if (seen.has(found.name)) {
      result.problems.push(problemAt('Procfile', found.at, `process ${quote(found.name)} is defined again; the first one is used.`));
    } else {
      seen.add(found.name);
      const { name, command, at } = found;
      // foreman gives each line its own PORT; without it "-p $PORT" would start on no port at all.
      const env = USES_PORT.test(command) ? { PORT: String(FIRST_PORT + PORT_STEP * (seen.size - 1)) } : undefined;
      result.entries.push(detected('Procfile', `Procfile: ${name}`, folder, at, { command, shell: true, cwd, env, kind: name === ONE_OFF ? 'job' : 'service' }));
    }
  }
  return result;
}

interface ProcfileLine {
  name: string;
  command: string;
  at: FilePosition;
}

/** A process line, a problem, or undefined for a blank or comment line. */
function readLine(raw: string, start: FilePosition): ProcfileLine | DetectProblem | undefined {
  const trimmed = raw.trim();
  if (trimmed === '' || trimmed.startsWith('#')) return undefined;
  const at = { ...start, column: raw.length - raw.trimStart().length };
  const match = PROCESS_LINE.exec(trimmed);
  if (!match) {
    const why = trimmed.includes(':') ? 'a name may hold only letters, digits, "-" and "_"' : 'it needs a name, a colon and a command';
    return problemAt('Procfile', at, `line ${at.line + 1} is not "name: command" (${why}); skipped.`);
  }
  const [, name, command] = match;
  const why = badName(name, 'process') ?? (command === '' ? `process ${quote(name)} has no command; skipped.` : undefined);
  return why === undefined ? { name, command, at } : problemAt('Procfile', at, why);
}
