export interface DotenvResult {
  vars: Record<string, string>;
  /** One sentence per line that could not be read, with its line number. */
  errors: string[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

function unquote(value: string, lineNo: number, errors: string[]): string {
  const quote = value[0];
  if (quote !== '"' && quote !== "'") {
    const hash = value.search(/\s#/);
    return (hash >= 0 ? value.slice(0, hash) : value).trim();
  }
  const close = value.indexOf(quote, 1);
  if (close < 0) {
    errors.push(`line ${lineNo}: the ${quote === '"' ? 'double' : 'single'} quote is not closed.`);
    return value.slice(1);
  }
  const inner = value.slice(1, close);
  return quote === '"' ? inner.replace(/\\n/g, '\n').replace(/\\"/g, '"') : inner;
}

/** Reads a dotenv file: `NAME=value`, optional `export `, `#` comments, single or double quotes. */
export function parseDotenv(text: string): DotenvResult {
  const vars: Record<string, string> = {};
  const errors: string[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const body = line.startsWith('export ') ? line.slice(7).trimStart() : line;
    const eq = body.indexOf('=');
    if (eq <= 0) {
      errors.push(`line ${i + 1}: expected NAME=value.`);
      return;
    }
    const name = body.slice(0, eq).trim();
    if (!NAME.test(name)) {
      errors.push(`line ${i + 1}: "${name}" is not a valid variable name.`);
      return;
    }
    vars[name] = unquote(body.slice(eq + 1).trim(), i + 1, errors);
  });
  return { vars, errors };
}
