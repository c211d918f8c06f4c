/**
 * Secrets never leave pgwarden: every connection string shown to a person or written to a file
 * goes through these.
 */

/**
 * A connection URL up to the end of its token. The userinfo runs to the LAST `@` of the token, not
 * the first: a password may hold `@` (and, in a malformed URL, `/`, `?`, `#` too), and anything
 * after a first `@` would otherwise be shown. A stray `@` later in the URL (a query value) only
 * hides more than needed.
 */
const URL_TOKEN = /\b(postgres(?:ql)?:\/\/)([^\s"]*)/gi;
const KEYWORD_PASSWORD = /\b(password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s]+)/gi;
const QUERY_PASSWORD = /([?&]password=)([^&#\s]*)/gi;

/** Replaces the password of a connection string (URL or keyword form) with `***`. */
export function redactUrl(url: string): string {
  return url
    .replace(URL_TOKEN, (match, scheme: string, rest: string) => {
      const at = rest.lastIndexOf('@');
      if (at < 0) return match;
      const userinfo = rest.slice(0, at);
      const colon = userinfo.indexOf(':');
      return colon < 0 ? match : `${scheme}${userinfo.slice(0, colon)}:***${rest.slice(at)}`;
    })
    .replace(QUERY_PASSWORD, (_m, key: string) => `${key}***`)
    .replace(KEYWORD_PASSWORD, (_m, key: string) => `${key}***`);
}

/** Redacts every connection string and every known secret value found in free text. */
export function redactText(text: string, secrets: readonly string[] = knownSecrets): string {
  // Known secrets first: once a URL is redacted, a password holding `@` or `:` is no longer whole.
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('***');
  }
  return redactUrl(out);
}

const knownSecrets: string[] = [];

/** Registers a secret (a password read from the environment) so that no output can show it. */
export function registerSecret(secret: string | undefined): void {
  if (!secret) return;
  // Also as it is written in a URL (percent-encoded), longest first so that no part is left over.
  for (const form of [secret, encodeURIComponent(secret)]) {
    if (form.length >= 4 && !knownSecrets.includes(form)) knownSecrets.push(form);
  }
  knownSecrets.sort((a, b) => b.length - a.length);
}

/** Passwords found in a connection string, for registerSecret. */
export function passwordOf(url: string): string | undefined {
  const text = url.trim();
  const scheme = /^postgres(?:ql)?:\/\//i.exec(text);
  if (!scheme) return /password\s*=\s*('?)([^'\s]+)\1/i.exec(text)?.[2];
  // The userinfo of a URL ends at its last `@` (see redactUrl), whether or not the URL is valid.
  const rest = text.slice(scheme[0].length);
  const userinfo = rest.slice(0, Math.max(0, rest.lastIndexOf('@')));
  const colon = userinfo.indexOf(':');
  const raw = colon < 0 ? /[?&]password=([^&#\s]*)/i.exec(rest)?.[1] : userinfo.slice(colon + 1);
  if (!raw) return undefined;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
