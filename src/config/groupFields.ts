import { report, type Entry } from './entry';
import { hasControlCharacter, quote, typeName } from './text';

/** `group`: one group name or several; each non-empty, on one line; repeats dropped. */
export function applyGroup(value: unknown, entry: Entry): void {
  const wanted = '"group" must be a group name or an array of them, e.g. "backend" or ["backend", "db"]';
  if (typeof value === 'string') {
    const name = readGroupName(value, 'group', entry);
    if (name !== undefined) entry.spec.groups = [name];
    return;
  }
  if (!Array.isArray(value)) return report(entry, 'group', `${wanted}; got ${typeName(value)}.`);
  if (value.length === 0) return report(entry, 'group', `${wanted}; got an empty array (remove the field for no group).`);
  const names: string[] = [];
  value.forEach((item: unknown, i) => {
    if (typeof item !== 'string') return report(entry, `group[${i}]`, `${wanted}; item ${i} is ${typeName(item)}.`);
    const name = readGroupName(item, `group[${i}]`, entry);
    if (name !== undefined && !names.includes(name)) names.push(name);
  });
  if (names.length > 0) entry.spec.groups = names;
}

function readGroupName(value: string, field: string, entry: Entry): string | undefined {
  if (value.trim() === '') {
    report(entry, field, `${quote(field)} must be a non-empty group name.`);
    return undefined;
  }
  if (hasControlCharacter(value)) {
    report(entry, field, `${quote(field)} must not contain control characters such as line breaks or escapes.`);
    return undefined;
  }
  return value;
}
