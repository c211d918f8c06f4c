/**
 * Secrets never leave pgwarden: every connection string shown to a person or written to a file
 * goes through these. Only the secret values are replaced; the rest of a connection string (host,
 * database, sslmode, ...) stays readable.
 */

/**
 * A connection URL up to the end of its token. The userinfo runs to the LAST `@` of the token, not
 * the first: a password may hold `@` (and, in a malformed URL, `/`, `?`, `#` too), and anything
 * after a first `@` would otherwise be shown. A stray `@` later in the URL (a query value) only
 * hides more than needed.
 */
const URL_TOKEN = String.raw`\b(postgres(?:ql)?:\/\/)([^\s"]*)`;
/**
 * A `password` or `sslpassword` keyword of a libpq keyword/value string and its value: quoted
 * (`'a b'`, backslash escapes `\'` and `\\`; an unterminated one runs to the end of the text) or
 * bare (up to white space; a backslash escapes the next character, a space included).
 */
const KEYWORD_PASSWORD = String.raw`\b((?:ssl)?password\s*=\s*)('(?:\\[\s\S]?|[^'\\])*(?:'|$)|(?:\\[\s\S]|\S)+)`;
/** URL first: the keyword form must not match inside a URL's query, whose values end at `&`. */
const SECRET = new RegExp(`${URL_TOKEN}|${KEYWORD_PASSWORD}`, 'gi');
/** A `password` or `sslpassword` query parameter of a URL: its value ends at `&` or `#`. */
const QUERY_PASSWORD = /([?&](?:ssl)?password=)[^&#]*/gi;

function redactUrlToken(scheme: string, rest: string): string {
  // The userinfo first: a query-password pattern inside a password (`u:a?password=b@host`) must not
  // end the password early.
  const at = rest.lastIndexOf('@');
  const colon = at < 0 ? -1 : rest.slice(0, at).indexOf(':');
  const redacted = colon < 0 ? rest : `${rest.slice(0, colon)}:***${rest.slice(at)}`;
  return scheme + redacted.replace(QUERY_PASSWORD, '$1***');
}

/**
 * Replaces the passwords of connection strings (URL or keyword/value form) with `***`: the
 * userinfo password and `password` / `sslpassword` query parameters of a URL, and the values of
 * `password=` / `sslpassword=` in a keyword/value string, quoted or not.
 */
export function redactUrl(url: string): string {
  return url.replace(SECRET, (_match, scheme?: string, rest?: string, key?: string) =>
    scheme !== undefined ? redactUrlToken(scheme, rest ?? '') : `${key}***`,
  );
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

/** The value of a libpq keyword/value entry as libpq reads it: quotes removed, escapes undone. */
function conninfoValue(raw: string): string {
  const quoted = raw.startsWith("'");
  let out = '';
  for (let i = quoted ? 1 : 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '\\') {
      if (i + 1 < raw.length) out += raw[++i];
    } else if (quoted && c === "'") {
      break;
    } else {
      out += c;
    }
  }
  return out;
}

function decode(raw: string, plus: boolean): string {
  const text = plus ? raw.replace(/\+/g, ' ') : raw;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * The secrets of a connection string, for registerSecret: the userinfo password and the
 * `password` / `sslpassword` query parameters of a URL (decoded as pg decodes them), or the
 * `password` / `sslpassword` values of a keyword/value string (as libpq reads them).
 */
export function passwordsOf(url: string): string[] {
  const text = url.trim();
  const found: string[] = [];
  const scheme = /^postgres(?:ql)?:\/\//i.exec(text);
  if (!scheme) {
    for (const m of text.matchAll(new RegExp(KEYWORD_PASSWORD, 'gi'))) found.push(conninfoValue(m[2]!));
    return found.filter((p) => p !== '');
  }
  // The userinfo of a URL ends at its last `@` (see redactUrl), whether or not the URL is valid.
  const rest = text.slice(scheme[0].length);
  const at = rest.lastIndexOf('@');
  const userinfo = rest.slice(0, Math.max(0, at));
  const colon = userinfo.indexOf(':');
  if (colon >= 0) found.push(decode(userinfo.slice(colon + 1), false));
  // Query values are read as pg reads them (URLSearchParams: `+` is a space).
  for (const m of rest.matchAll(/[?&](?:ssl)?password=([^&#]*)/gi)) found.push(decode(m[1]!, true));
  return found.filter((p) => p !== '');
}
