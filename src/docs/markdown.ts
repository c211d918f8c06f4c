/** Small writers of GitHub-flavoured Markdown: escaped text, table rows, heading anchors. */

/** Text that Markdown shows as written, on one line (for a table cell or a list item). */
export function mdText(text: string): string {
  return text
    .replace(/\r?\n/g, ' ')
    .replace(/[\\`*[\]<>|]/g, (c) => `\\${c}`)
    .trim();
}

/** A code span that holds any text (backticks inside get a longer fence), safe in a table cell. */
export function mdCode(text: string): string {
  const flat = text.replace(/\s*\r?\n\s*/g, ' ').replace(/\|/g, '\\|');
  const runs = flat.match(/`+/g) ?? [];
  const fence = '`'.repeat(Math.max(0, ...runs.map((r) => r.length)) + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** One row of a Markdown table. */
export function mdRow(cells: string[]): string {
  return `| ${cells.map((c) => (c === '' ? ' ' : c)).join(' | ')} |`;
}

/** A Markdown table: header row, separator, rows. */
export function mdTable(header: string[], rows: string[][]): string[] {
  return [mdRow(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(mdRow)];
}

/**
 * The anchors GitHub gives headings: lower case, punctuation removed, spaces to hyphens, and
 * `-1`, `-2` appended to repeats. Ask for every heading in document order.
 */
export class HeadingAnchors {
  private readonly seen = new Map<string, number>();

  anchor(heading: string): string {
    const base = heading
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const count = this.seen.get(base);
    this.seen.set(base, (count ?? -1) + 1);
    return count === undefined ? base : `${base}-${count + 1}`;
  }
}
