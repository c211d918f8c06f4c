/**
 * The identifiers of a SQL text as written, before PostgreSQL's scanner truncates them to 63 bytes
 * (the parse tree only holds the truncated names). Skips comments, string constants and
 * dollar-quoted bodies; keywords come out as words too, which is harmless for length checks.
 */

/** An identifier token: its name (unquoted and lower-cased, or the quoted text) and where it is. */
export interface IdentifierToken {
  name: string;
  quoted: boolean;
  /** Character offsets of the token (quotes included) in the scanned text. */
  start: number;
  end: number;
}

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_PART = /[A-Za-z0-9_$\u0080-\uffff]/;

/** Scans `sql` and returns its identifier tokens in order. */
export function scanIdentifiers(sql: string): IdentifierToken[] {
  const tokens: IdentifierToken[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const ch = sql[i]!;
    const next = sql[i + 1];
    if (ch === '-' && next === '-') {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? n : nl + 1;
    } else if (ch === '/' && next === '*') {
      i = skipBlockComment(sql, i);
    } else if (ch === "'") {
      i = skipString(sql, i, false);
    } else if (ch === '"') {
      const end = skipQuotedIdentifier(sql, i);
      tokens.push({ name: sql.slice(i + 1, end - 1).replace(/""/g, '"'), quoted: true, start: i, end });
      i = end;
    } else if (ch === '$' && (i === 0 || !WORD_PART.test(sql[i - 1]!))) {
      i = skipDollar(sql, i);
    } else if (WORD_START.test(ch)) {
      let end = i + 1;
      while (end < n && WORD_PART.test(sql[end]!)) end++;
      const word = sql.slice(i, end);
      const after = sql[end];
      if (after === "'" && /^[eEbBxXnN]$/.test(word)) {
        i = skipString(sql, end, word === 'e' || word === 'E');
      } else if (/^[uU]$/.test(word) && after === '&' && (sql[end + 1] === "'" || sql[end + 1] === '"')) {
        i = end + 1; // the quoted part that follows is scanned next
      } else {
        tokens.push({ name: word.replace(/[A-Z]+/g, (m) => m.toLowerCase()), quoted: false, start: i, end });
        i = end;
      }
    } else if (/[0-9]/.test(ch)) {
      let end = i + 1;
      while (end < n && /[0-9A-Za-z_.]/.test(sql[end]!)) end++;
      i = end;
    } else {
      i++;
    }
  }
  return tokens;
}

function skipBlockComment(sql: string, from: number): number {
  let depth = 0;
  let i = from;
  while (i < sql.length) {
    if (sql[i] === '/' && sql[i + 1] === '*') {
      depth++;
      i += 2;
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  return sql.length;
}

/** Skips a '...' constant starting at `from` (the quote); backslash escapes for E'...'. */
function skipString(sql: string, from: number, backslashes: boolean): number {
  let i = from + 1;
  while (i < sql.length) {
    const ch = sql[i]!;
    if (backslashes && ch === '\\') i += 2;
    else if (ch === "'") {
      if (sql[i + 1] === "'") i += 2;
      else return i + 1;
    } else i++;
  }
  return sql.length;
}

function skipQuotedIdentifier(sql: string, from: number): number {
  let i = from + 1;
  while (i < sql.length) {
    if (sql[i] === '"') {
      if (sql[i + 1] === '"') i += 2;
      else return i + 1;
    } else i++;
  }
  return sql.length;
}

/** Skips a dollar-quoted body (`$tag$ ... $tag$`), or just the `$` of a parameter like `$1`. */
function skipDollar(sql: string, from: number): number {
  const match = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(sql.slice(from, from + 200));
  if (!match) return from + 1;
  const tag = match[0];
  const close = sql.indexOf(tag, from + tag.length);
  return close < 0 ? sql.length : close + tag.length;
}
