/**
 * Where a call in a JS/TS migration ends. Its statements are reported from the call that produced
 * them (runner/steps.ts finds where it starts, from the stack) to the end of that call: a call over
 * several lines (`pgm.createTable('t', {` ... `});`) spans them all, so that an ignore written inside
 * it applies to it, as one written inside a SQL statement does.
 */

const OPENERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
/** Characters after which a `/` starts a regular expression literal rather than a division. */
const BEFORE_REGEX = new Set(['(', ',', '=', ':', '[', '!', '&', '|', '?', '{', '}', ';', '+', '-', '*', '%', '<', '>', '~', '^']);

/**
 * The offset just after the call that starts at `start` in a script's text: the brackets opened
 * from there are followed to where they close, and the call ends at the `;` or `,` after them, the
 * end of their line, or a bracket that closes something opened before `start`. Strings, template
 * literals, comments and regular expression literals are skipped, and a trailing comment is not
 * part of the call. When the brackets do not close (the text is not what the scanner reads), the
 * end of the line where the call starts.
 */
export function callEnd(text: string, start: number): number {
  const newline = text.indexOf('\n', start);
  const lineEnd = newline < 0 ? text.length : newline;
  const fallback = start + text.slice(start, lineEnd).trimEnd().length;
  // Closers expected, innermost last; '`' stands for the `}` that resumes a template literal.
  const closers: string[] = [];
  let inTemplate = false;
  let lastCode = start;
  let previous: string | undefined;
  const done = () => (lastCode > start ? lastCode : fallback);
  let i = start;
  while (i < text.length) {
    const c = text[i]!;
    if (inTemplate) {
      if (c === '\\') i += 2;
      else if (c === '`') {
        inTemplate = false;
        i++;
        lastCode = i;
        previous = c;
      } else if (c === '$' && text[i + 1] === '{') {
        closers.push('`');
        inTemplate = false;
        i += 2;
      } else i++;
      continue;
    }
    if (c === '\n' && closers.length === 0) return done();
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) return fallback;
      i = end + 2;
      continue;
    }
    if (c === "'" || c === '"' || (c === '/' && (previous === undefined || BEFORE_REGEX.has(previous)))) {
      const end = literalEnd(text, i);
      if (end === undefined) return fallback;
      i = end;
      lastCode = i;
      previous = c;
      continue;
    }
    if (c === '`') {
      inTemplate = true;
      i++;
      continue;
    }
    if (closers.length === 0 && (c === ';' || c === ',')) return done();
    const closer = OPENERS[c];
    if (closer !== undefined) closers.push(closer);
    else if (c === ')' || c === ']' || c === '}') {
      if (closers.length === 0) return done();
      const expected = closers.pop();
      if (expected === '`' && c === '}') {
        inTemplate = true;
        i++;
        continue;
      }
      if (expected !== c) return fallback;
    }
    i++;
    lastCode = i;
    previous = c;
  }
  return closers.length === 0 && !inTemplate ? done() : fallback;
}

/** The offset after a string or regular expression literal that starts at `start`; undefined when the line ends first. */
function literalEnd(text: string, start: number): number | undefined {
  const quote = text[start]!;
  let inClass = false;
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') return undefined;
    if (c === '\\') i++;
    else if (quote === '/' && c === '[') inClass = true;
    else if (quote === '/' && c === ']') inClass = false;
    else if (c === quote && !inClass) {
      if (quote !== '/') return i + 1;
      let end = i + 1;
      while (end < text.length && /[a-z]/i.test(text[end]!)) end++;
      return end;
    }
  }
  return undefined;
}
