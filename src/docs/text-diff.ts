/**
 * A line diff in unified format (`@@ -a,b +c,d @@`, ` `, `-`, `+` lines), for showing how a
 * committed file differs from the one that would be generated. Myers' algorithm on the lines
 * between the common prefix and suffix; when those differ too much it shows them as one block.
 */
export function unifiedDiff(before: string, after: string, labels: { before: string; after: string }, context = 3): string[] {
  const a = splitLines(before);
  const b = splitLines(after);
  const ops = diffLines(a, b);
  if (ops.every((op) => op.type === 'same')) return [];
  const out = [`--- ${labels.before}`, `+++ ${labels.after}`];
  // Group the edits into hunks, each with up to `context` unchanged lines around it.
  let i = 0;
  while (i < ops.length) {
    while (i < ops.length && ops[i]!.type === 'same') i++;
    if (i >= ops.length) break;
    let start = i;
    for (let k = 0; k < context && start > 0 && ops[start - 1]!.type === 'same'; k++) start--;
    let end = i;
    for (;;) {
      while (end < ops.length && ops[end]!.type !== 'same') end++;
      let gap = 0;
      while (end + gap < ops.length && ops[end + gap]!.type === 'same') gap++;
      if (end + gap < ops.length && gap <= 2 * context) end += gap;
      else {
        end += Math.min(gap, context);
        break;
      }
    }
    const hunk = ops.slice(start, end);
    const first = hunk[0]!;
    const aCount = hunk.filter((op) => op.type !== 'add').length;
    const bCount = hunk.filter((op) => op.type !== 'remove').length;
    out.push(`@@ -${range(first.aLine, aCount)} +${range(first.bLine, bCount)} @@`);
    for (const op of hunk) out.push(`${op.type === 'same' ? ' ' : op.type === 'add' ? '+' : '-'}${op.text}`);
    i = end;
  }
  return out;
}

function range(line: number, count: number): string {
  // Unified diff numbers an empty range by the line before it.
  return count === 1 ? String(line) : `${count === 0 ? line - 1 : line},${count}`;
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

interface Op {
  type: 'same' | 'add' | 'remove';
  text: string;
  /** 1-based line in `a` (for add: the line it comes before). */
  aLine: number;
  bLine: number;
}

/** Beyond this many differing lines the middle is shown as removed, then added. */
const MAX_EDITS = 2000;

function diffLines(a: string[], b: string[]): Op[] {
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (suffix < a.length - prefix && suffix < b.length - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;
  const am = a.slice(prefix, a.length - suffix);
  const bm = b.slice(prefix, b.length - suffix);
  const middle = myers(am, bm) ?? [...am.map(() => 'remove' as const), ...bm.map(() => 'add' as const)];
  const ops: Op[] = [];
  let ai = 0;
  let bi = 0;
  for (let k = 0; k < prefix; k++) ops.push({ type: 'same', text: a[k]!, aLine: ++ai, bLine: ++bi });
  for (const type of middle) {
    if (type === 'same') ops.push({ type, text: a[ai]!, aLine: ++ai, bLine: ++bi });
    else if (type === 'remove') ops.push({ type, text: a[ai]!, aLine: ++ai, bLine: bi + 1 });
    else ops.push({ type, text: b[bi]!, aLine: ai + 1, bLine: ++bi });
  }
  for (let k = 0; k < suffix; k++) ops.push({ type: 'same', text: a[ai]!, aLine: ++ai, bLine: ++bi });
  return ops;
}

/** The shortest edit script from `a` to `b` (Myers 1986), or undefined when it is too long. */
function myers(a: string[], b: string[]): Array<'same' | 'add' | 'remove'> | undefined {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  // trace[d] holds v for k in [-d-1, d+1] as it was before step d: all that backtracking reads.
  const trace: Int32Array[] = [];
  for (let d = 0; d <= Math.min(max, MAX_EDITS); d++) {
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return backtrack(trace, n, m, d);
    }
  }
  return undefined;
}

function backtrack(trace: Int32Array[], n: number, m: number, d: number): Array<'same' | 'add' | 'remove'> {
  const script: Array<'same' | 'add' | 'remove'> = [];
  let x = n;
  let y = m;
  for (let step = d; step > 0; step--) {
    const v = trace[step]!;
    const at = (k: number) => v[k + step + 1]!;
    const k = x - y;
    const prevK = k === -step || (k !== step && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      script.push('same');
      x--;
      y--;
    }
    script.push(x === prevX ? 'add' : 'remove');
    x = prevX;
    y = prevY;
  }
  while (x > 0 && y > 0) {
    script.push('same');
    x--;
    y--;
  }
  return script.reverse();
}
