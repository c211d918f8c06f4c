import { describe, expect, it } from 'vitest';
import { CowMap } from '../../../../src/lint/model/cow-map.js';

describe('CowMap', () => {
  it('behaves as a Map', () => {
    const map = new CowMap<number>([['a', 1], ['b', 2]]);
    map.set('c', 3).set('a', 10);
    expect(map.size).toBe(3);
    expect(map.get('a')).toBe(10);
    expect(map.has('b')).toBe(true);
    expect(map.delete('b')).toBe(true);
    expect(map.delete('b')).toBe(false);
    expect(new Map(map)).toEqual(new Map([['a', 10], ['c', 3]]));
    expect([...map.keys()].sort()).toEqual(['a', 'c']);
    expect([...map.values()].sort((x, y) => x - y)).toEqual([3, 10]);
    const seen: string[] = [];
    map.forEach((v, k) => seen.push(`${k}=${v}`));
    expect(seen.sort()).toEqual(['a=10', 'c=3']);
    map.clear();
    expect(map.size).toBe(0);
    expect(map.get('a')).toBeUndefined();
  });

  it('keeps a clone and its original independent, in both directions', () => {
    const original = new CowMap<number>();
    for (let i = 0; i < 500; i++) original.set(`k${i}`, i);
    const copy = original.clone();
    copy.set('k1', -1);
    copy.delete('k2');
    copy.set('new', 7);
    original.set('k3', -3);
    expect(original.get('k1')).toBe(1);
    expect(original.get('k2')).toBe(2);
    expect(original.has('new')).toBe(false);
    expect(copy.get('k3')).toBe(3);
    expect(original.size).toBe(500);
    expect(copy.size).toBe(500);
    // A clone of a clone does not see later writes of either.
    const third = copy.clone();
    copy.set('k4', -4);
    expect(third.get('k4')).toBe(4);
  });

  it('shares the buckets nobody wrote to', () => {
    const a = new CowMap<number>();
    for (let i = 0; i < 200; i++) a.set(`table_${i}`, i);
    const b = a.clone();
    b.set('table_7', 70);
    let differing = 0;
    for (let i = 0; i < CowMap.bucketCount; i++) if (!a.sameBucket(b, i)) differing++;
    expect(differing).toBe(1);
  });
});
