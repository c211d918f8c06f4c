import { readFileSync } from 'node:fs';

/** pgwarden's package.json: next to dist/ (the compiled library) or one further up (the CLI bundle). */
function readVersion(): string {
  for (const relative of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'pgwarden' && pkg.version) return pkg.version;
    } catch {
      // Not here: try one level up.
    }
  }
  return '0.0.0';
}

/** pgwarden's version, read from its package.json. */
export const VERSION: string = readVersion();
