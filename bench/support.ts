import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Median of a list of numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Wall time of a function in milliseconds. */
export async function timed(fn: () => Promise<unknown> | unknown): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Finds a Postgres client binary (psql, pg_dump): on PATH or in Debian's versioned folders. */
export function findPgBinary(name: string): string | undefined {
  try {
    return execFileSync('which', [name], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    for (const v of ['18', '17', '16', '15']) {
      const path = `/usr/lib/postgresql/${v}/bin/${name}`;
      if (existsSync(path)) return path;
    }
    return undefined;
  }
}

export function ratio(a: number, b: number): string {
  return `${(a / b).toFixed(2)}x`;
}
