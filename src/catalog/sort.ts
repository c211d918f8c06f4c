/**
 * Compares strings by UTF-16 code units: the same order on every machine and locale, unlike
 * `localeCompare` or a database collation.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A comparator over several string keys, first key first. */
export function compareBy<T>(...keys: Array<(item: T) => string>): (a: T, b: T) => number {
  return (a, b) => {
    for (const key of keys) {
      const c = compareText(key(a), key(b));
      if (c !== 0) return c;
    }
    return 0;
  };
}
