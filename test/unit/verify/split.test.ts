import { describe, expect, it } from 'vitest';
import { splitHistory } from '../../../src/verify/verify.js';

describe('splitHistory (verify --jobs)', () => {
  for (const [n, jobs] of [
    [200, 2],
    [200, 3],
    [60, 2],
    [1000, 4],
    [25, 1],
  ] as const) {
    it(`cuts ${n} migrations into ${jobs} consecutive ranges, earlier ones no smaller`, () => {
      const ranges = splitHistory(n, jobs);
      expect(ranges).toHaveLength(jobs);
      expect(ranges[0]![0]).toBe(0);
      expect(ranges.at(-1)![1]).toBe(n);
      for (let k = 1; k < ranges.length; k++) {
        expect(ranges[k]![0]).toBe(ranges[k - 1]![1]);
        expect(ranges[k]![1] - ranges[k]![0]).toBeLessThanOrEqual(ranges[k - 1]![1] - ranges[k - 1]![0]);
        expect(ranges[k]![1]).toBeGreaterThan(ranges[k]![0]);
      }
    });
  }

  it('gives a later range fewer migrations, for the database it creates and the history it applies first', () => {
    expect(splitHistory(200, 2)).toEqual([
      [0, 121],
      [121, 200],
    ]);
  });

  it('gives a history with no migrations yet (a project fresh from init) one empty range', () => {
    expect(splitHistory(0, 1)).toEqual([[0, 0]]);
    expect(splitHistory(0, 4)).toEqual([[0, 0]]);
  });
});
