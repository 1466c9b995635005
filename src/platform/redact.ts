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

/**
 * Credentials that show by their place rather than by a variable's value: the password of a URL
 * (`user:password@`), a secret-named parameter or assignment (`?token=`, `&api_key=`,
 * `DB_PASSWORD=`, `--secret=`) and the value of an Authorization header or a bearer token.
 * Each keeps what names it and masks only the value.
 */
const CREDENTIALS: readonly RegExp[] = [
  /(\b[a-z][a-z0-9+.-]*:\/\/[^\s/@:]*:)[^\s/@]+(?=@)/gi,
  /((?:^|[^\w-])[\w-]*(?:token|secret|password|passwd|key|credential)[\w-]*=)(?:"[^"]*"?|'[^']*'?|[^\s&#"';]+)/gi,
  /(\bauthorization\s*[:=]\s*(?:(?:bearer|basic|token|bot|digest)\s+)?)[^\s"']+/gi,
  /(\bbearer\s+)[\w.~+/=-]+/gi,
];

/** A cheap test that spares the patterns most text: every credential above has one of these. */
const MAY_HOLD_CREDENTIAL = /[=@]|bearer|authorization/i;

/** Masks credentials recognised by their place in `text` (see CREDENTIALS). */
export function maskCredentials(text: string): string {
  if (!MAY_HOLD_CREDENTIAL.test(text)) return text;
  let out = text;
  for (const pattern of CREDENTIALS) out = out.replace(pattern, `$1${REDACTED}`);
  return out;
}

/** Text for display: secret values and credentials by place both masked. */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  return maskCredentials(redact(text, secrets));
}
