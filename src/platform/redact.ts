import { isSecretName } from '../core/defaults';

/** Shorter values would blank out ordinary words. */
const MIN_SECRET_LENGTH = 4;
export const REDACTED = '********';

/** The values of secret-looking variables of an environment, longest first. */
export function secretValues(env: Record<string, string>): string[] {
  const values = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (isSecretName(name) && value.length >= MIN_SECRET_LENGTH) values.add(value);
  }
  return [...values].sort((a, b) => b.length - a.length);
}

/** Replaces every secret value in `text`; a no-op when there are none. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  return out;
}
