import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../../src/docs/text-diff.js';

const labels = { before: 'a', after: 'b' };
const lines = (n: number, prefix = 'line') => Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}`);

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('x\ny\n', 'x\ny\n', labels)).toEqual([]);
  });

  it('shows one changed line with three lines of context', () => {
    const before = lines(10);
    const after = [...before];
    after[4] = 'changed';
    expect(unifiedDiff(`${before.join('\n')}\n`, `${after.join('\n')}\n`, labels)).toEqual([
      '--- a',
      '+++ b',
      '@@ -2,7 +2,7 @@',
      ' line 2',
      ' line 3',
      ' line 4',
      '-line 5',
      '+changed',
      ' line 6',
      ' line 7',
      ' line 8',
    ]);
  });

  it('numbers insertions and keeps distant changes in separate hunks', () => {
    const before = lines(30);
    const after = [...before.slice(0, 2), 'new', ...before.slice(2, 25), ...before.slice(26)];
    const diff = unifiedDiff(before.join('\n'), after.join('\n'), labels);
    expect(diff.filter((l) => l.startsWith('@@'))).toEqual(['@@ -1,5 +1,6 @@', '@@ -23,7 +24,6 @@']);
    expect(diff).toContain('+new');
    expect(diff).toContain('-line 26');
  });

  it('diffs against an empty text', () => {
    expect(unifiedDiff('', 'a\nb\n', labels)).toEqual(['--- a', '+++ b', '@@ -0,0 +1,2 @@', '+a', '+b']);
    expect(unifiedDiff('a\n', '', labels)).toEqual(['--- a', '+++ b', '@@ -1 +0,0 @@', '-a']);
  });

  it('finds the shortest edit when lines move', () => {
    const diff = unifiedDiff('a\nb\nc\nd\n', 'b\nc\na\nd\n', labels, 0);
    expect(diff.filter((l) => /^[-+][^-+]/.test(l))).toHaveLength(2);
  });
});
