/** Variable names whose values are treated as secrets. */
const SECRET_NAME = /TOKEN|SECRET|PASSWORD|PASSWD|KEY|CREDENTIAL/i;
/** Shorter values would blank out ordinary words. */
const MIN_SECRET_LENGTH = 4;
export const REDACTED = '********';

/** Whether a variable's name says its value is a secret (API_TOKEN, DB_PASSWORD, ...). */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

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
