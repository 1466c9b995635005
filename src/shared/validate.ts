// Small checks the webview message validators share. No imports: bundled into the webviews too.

/** A validator's answer: the typed message, or why it was refused (for the log). */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

export type Obj = Record<string, unknown>;

export function isObject(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** A value for the log, never calling anything on it (a forged `toString` must not run or throw). */
export function describe(x: unknown): string {
  return typeof x === 'string' ? JSON.stringify(x.slice(0, 40)) : typeof x;
}

/** Only the keys listed: an unexpected field is a sign of a mismatched or forged message. */
export function onlyKeys(o: Obj, keys: readonly string[]): string | undefined {
  const extra = Object.keys(o).filter((k) => !keys.includes(k));
  return extra.length ? `unexpected field(s) ${extra.slice(0, 5).join(', ')}` : undefined;
}

/** A message that is only its type (such as "ready"). */
export function typeOnly<T extends string>(x: Obj, type: T): Parsed<{ type: T }> {
  const extra = onlyKeys(x, ['type']);
  return extra ? { ok: false, error: `${type}: ${extra}` } : { ok: true, value: { type } };
}
