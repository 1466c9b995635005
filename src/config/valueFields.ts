import { isSecretName } from '../core/defaults';
import { report, type Entry } from './entry';
import { isObject, quote, quoteFix, quoteHint, quoteList, typeName } from './text';
import { expandVariables } from './variables';

/** A list of arguments (`args`, `debug.args`), variables expanded; undefined after a report. */
export function readArgs(value: unknown, field: string, entry: Entry): string[] | undefined {
  if (!Array.isArray(value)) {
    const hint = typeof value === 'string' ? ` (write it as a list: ${quoteList(value.split(/\s+/))})` : '';
    report(entry, field, `${quote(field)} must be an array of strings; got ${typeName(value)}${hint}.`);
    return undefined;
  }
  const bad = value.findIndex((item) => typeof item !== 'string');
  if (bad >= 0) {
    const item: unknown = value[bad];
    const message = `${quote(field)} must be an array of strings; item ${bad} is ${typeName(item)}${quoteHint(item)}.`;
    report(entry, `${field}[${bad}]`, message, quoteFix(item));
    return undefined;
  }
  const args: string[] = [];
  for (const [i, item] of (value as string[]).entries()) {
    const arg = expand(item, `${field}[${i}]`, entry);
    if (arg === undefined) return undefined;
    args.push(arg);
  }
  return args;
}

/** An object of variables (`env`, `debug.env`), values expanded; undefined when it is not an object. */
export function readEnv(value: unknown, field: string, entry: Entry): Record<string, string> | undefined {
  if (!isObject(value)) {
    report(entry, field, `${quote(field)} must be an object of string values, e.g. { "PORT": "3000" }; got ${typeName(value)}.`);
    return undefined;
  }
  const pairs: [string, string][] = [];
  for (const [key, item] of Object.entries(value)) {
    const name = `${field}.${key}`;
    if (key === '' || key.includes('=') || key.includes('\0')) {
      report(entry, name, `${quote(field)} has an invalid variable name ${quote(key)}; a name must be non-empty, without "=".`);
    } else if (typeof item !== 'string') {
      // The hint would repeat the value, and a secret's value is never shown.
      const hint = isSecretName(key) ? ' (put it in quotes)' : quoteHint(item);
      report(entry, name, `${quote(name)} must be a string; got ${typeName(item)}${hint}.`, quoteFix(item));
    } else {
      const expanded = expand(item, name, entry);
      if (expanded !== undefined) pairs.push([key, expanded]);
    }
  }
  // fromEntries defines own properties, so a key like "__proto__" stays a plain variable.
  return Object.fromEntries(pairs);
}

/** `text` with its variables expanded; undefined after a report when one cannot be. */
export function expand(text: string, field: string, entry: Entry): string | undefined {
  const { text: expanded, unresolved } = expandVariables(text, entry.ctx);
  if (unresolved.length === 0) return expanded;
  report(entry, field, `${quote(field)} uses \${${unresolved[0]}}, but no workspace folder is open.`);
  return undefined;
}
