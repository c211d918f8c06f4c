/**
 * A constraint definition as Postgres prints it, rewritten so that parsing it builds the same
 * expression again. Postgres prints a cast of a whole array (an ArrayCoerceExpr, which
 * `outcome IN ('a', 'b')` on a varchar column becomes) as `(ARRAY['a'::character varying])::text[]`,
 * but parses that text as a cast of each element (`ARRAY[('a'::character varying)::text]`): a
 * database rebuilt from it prints the constraint differently (pg_dump's output has the same flaw).
 * Casting the array to its elements' type first keeps the whole-array cast, and prints as the
 * original: `((ARRAY['a'::character varying])::character varying[])::text[]`.
 *
 * @example
 * keepArrayCasts("CHECK (((s)::text = ANY ((ARRAY['a'::character varying])::text[])))");
 * // "CHECK (((s)::text = ANY (((ARRAY['a'::character varying])::character varying[])::text[])))"
 */
export function keepArrayCasts(definition: string): string {
  let out = '';
  let i = 0;
  while (i < definition.length) {
    const ch = definition[i]!;
    if (ch === "'" || ch === '"') {
      const end = closingQuote(definition, i);
      out += definition.slice(i, end);
      i = end;
      continue;
    }
    if (definition.startsWith('(ARRAY[', i)) {
      const rewritten = rewriteAt(definition, i);
      if (rewritten) {
        out += rewritten.text;
        i = rewritten.end;
        continue;
      }
    }
    out += ch;
    i++;
  }
  return out;
}

/** `(ARRAY[...])::T[]` at `start`, with the elements' common type cast in between; undefined when it is not that. */
function rewriteAt(text: string, start: number): { text: string; end: number } | undefined {
  const open = start + '(ARRAY['.length;
  const close = matchingBracket(text, open);
  if (close === undefined || text[close + 1] !== ')') return undefined;
  const cast = /^::((?:[a-z_][\w.]*|"(?:[^"]|"")+")(?: [a-z_]\w*)*(?:\(\d+(?:,\d+)?\))?)\[\]/i.exec(text.slice(close + 2));
  if (!cast) return undefined;
  const elements = splitTopLevel(text.slice(open, close));
  const types = new Set(elements.map((e) => /::((?:[a-z_][\w.]*|"(?:[^"]|"")+")(?: [a-z_]\w*)*(?:\(\d+(?:,\d+)?\))?)$/i.exec(e.trim())?.[1]));
  const [elementType] = [...types];
  if (types.size !== 1 || elementType === undefined || elementType === cast[1]) return undefined;
  const end = close + 2 + cast[0].length;
  return { text: `(${text.slice(start, close + 2)}::${elementType}[])${text.slice(close + 2, end)}`, end };
}

/** The index just past the quote that closes the one at `start` ('' and "" are escapes). */
function closingQuote(text: string, start: number): number {
  const quote = text[start]!;
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === quote) {
      if (text[i + 1] === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return text.length;
}

/** The index of the `]` that closes the bracket opened just before `from`. */
function matchingBracket(text: string, from: number): number | undefined {
  let depth = 0;
  let i = from;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === "'" || ch === '"') {
      i = closingQuote(text, i);
      continue;
    }
    if (ch === '[' || ch === '(') depth++;
    else if (ch === ')' || ch === ']') {
      if (depth === 0) return ch === ']' ? i : undefined;
      depth--;
    }
    i++;
  }
  return undefined;
}

/** `text` split at the commas outside quotes, parentheses and brackets. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let last = 0;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === "'" || ch === '"') {
      i = closingQuote(text, i);
      continue;
    }
    if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(text.slice(last, i));
      last = i + 1;
    }
    i++;
  }
  parts.push(text.slice(last));
  return parts;
}
