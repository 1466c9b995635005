import { report, type Entry } from './entry';
import { expandText } from './healthCheckFields';
import { ENTRY_SCHEMA } from './schema';
import { describe, describeNumber, quote } from './text';

const PORT = ENTRY_SCHEMA.port;
/** Digits and `${instance}`, once the other variables are expanded. */
const PORT_TEXT = /^(?:\d|\$\{instance\})+$/;

/** `port`: a number, or text that gives one per replica ("300${instance}", "${env:PORT}"). */
export function applyPort(value: unknown, entry: Entry): void {
  const wanted = `"port" must be a port number from ${PORT.minimum} to ${PORT.maximum}, or text such as "300\${instance}"`;
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= PORT.minimum && value <= PORT.maximum) entry.spec.port = value;
    else report(entry, 'port', `${wanted}; got ${describeNumber(value)}.`);
    return;
  }
  if (typeof value !== 'string' || value.trim() === '') return report(entry, 'port', `${wanted}; got ${describe(value)}.`);
  const text = expandText(value.trim(), 'port', entry);
  if (text === undefined) return;
  // Checked as replica 0 would see it.
  const first = Number(text.replaceAll('${instance}', '0'));
  if (!PORT_TEXT.test(text) || first < PORT.minimum || first > PORT.maximum) {
    const expanded = text === value ? '' : ` (${quote(text)} once expanded)`;
    return report(entry, 'port', `${wanted}; got ${quote(value)}${expanded}.`);
  }
  entry.spec.port = text.includes('${instance}') ? text : first;
}

/** `openOnReady`: true (the browser), "simple" (the Simple Browser) or false. */
export function applyOpenOnReady(value: unknown, entry: Entry): void {
  if (value === true || value === 'simple') entry.spec.openOnReady = value;
  else if (value !== false) report(entry, 'openOnReady', `"openOnReady" must be true (open in the browser), "simple" (open in the Simple Browser) or false; got ${describe(value)}.`);
}
