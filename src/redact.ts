/**
 * Secrets never leave pgwarden: every connection string shown to a person or written to a file
 * goes through these.
 */

const URL_WITH_PASSWORD = /\b(postgres(?:ql)?:\/\/)([^:/?#@\s]*):([^@/?#\s]*)@/gi;
const KEYWORD_PASSWORD = /\b(password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s]+)/gi;
const QUERY_PASSWORD = /([?&]password=)([^&#\s]*)/gi;

/** Replaces the password of a connection string (URL or keyword form) with `***`. */
export function redactUrl(url: string): string {
  return url
    .replace(URL_WITH_PASSWORD, (_m, scheme: string, user: string) => `${scheme}${user}:***@`)
    .replace(QUERY_PASSWORD, (_m, key: string) => `${key}***`)
    .replace(KEYWORD_PASSWORD, (_m, key: string) => `${key}***`);
}

/** Redacts every connection string and every known secret value found in free text. */
export function redactText(text: string, secrets: readonly string[] = knownSecrets): string {
  let out = redactUrl(text);
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('***');
  }
  return out;
}

const knownSecrets: string[] = [];

/** Registers a secret (a password read from the environment) so that no output can show it. */
export function registerSecret(secret: string | undefined): void {
  if (secret && secret.length >= 4 && !knownSecrets.includes(secret)) knownSecrets.push(secret);
}

/** Passwords found in a connection string, for registerSecret. */
export function passwordOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    if (parsed.password) return decodeURIComponent(parsed.password);
    return parsed.searchParams.get('password') ?? undefined;
  } catch {
    const match = /password\s*=\s*('?)([^'\s]+)\1/i.exec(url);
    return match?.[2];
  }
}
