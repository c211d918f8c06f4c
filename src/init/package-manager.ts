import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The package manager a project installs with, as init needs it: the CI job installs with it and
 * runs pgwarden through it, and a hook in a Yarn Plug'n'Play project (no node_modules) runs
 * pgwarden through Yarn.
 */
export interface PackageManager {
  name: 'npm' | 'pnpm' | 'yarn' | 'bun';
  /** Yarn 2 and later ("berry"): `yarn install --immutable`, and Corepack provides it. */
  berry: boolean;
  /** Yarn Plug'n'Play: no node_modules, so no node_modules/.bin/pgwarden. */
  pnp: boolean;
  /** The `packageManager` field of package.json (`pnpm@9.12.0`), when it names this manager. */
  pinned: string | undefined;
  /** The folder (relative to the top searched) of the package.json with that field. */
  pinnedIn: string | undefined;
  /** The lock file's path relative to the top folder searched, `/`-separated, when there is one. */
  lockFile: string | undefined;
  /** What told: a lock file, the `packageManager` field, a workspace file, or nothing (npm). */
  source: string;
}

const LOCK_FILES: ReadonlyArray<readonly [file: string, name: PackageManager['name']]> = [
  ['package-lock.json', 'npm'],
  ['npm-shrinkwrap.json', 'npm'],
  ['pnpm-lock.yaml', 'pnpm'],
  ['yarn.lock', 'yarn'],
  ['bun.lock', 'bun'],
  ['bun.lockb', 'bun'],
];

/** The parsed package.json of a folder, when it has a readable one. */
export function packageJson(folder: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** `pnpm@9.12.0+sha512...` → pnpm and its major; undefined for anything else. */
function parsePinned(field: unknown): { name: PackageManager['name']; major: number; text: string } | undefined {
  if (typeof field !== 'string') return undefined;
  const m = /^(npm|pnpm|yarn|bun)@(\d+)/.exec(field.trim());
  return m ? { name: m[1] as PackageManager['name'], major: Number(m[2]), text: field.trim().replace(/\+.*$/, '') } : undefined;
}

/**
 * The package manager of the project in `top/folder` (`folder` relative to `top`, `/`-separated; ''
 * for the top itself): the nearest lock file from the project's folder up to `top` says which,
 * else the nearest `packageManager` field, else a `pnpm-workspace.yaml`; npm when nothing does.
 * Yarn's kind (classic or berry, Plug'n'Play or not) is read from `.yarnrc.yml` and `.pnp.cjs` in
 * the folder of the lock file, else the project's.
 */
export function detectPackageManager(top: string, folder = ''): PackageManager {
  const parts = folder.split('/').filter(Boolean);
  const folders = Array.from({ length: parts.length + 1 }, (_, up) => parts.slice(0, parts.length - up).join('/'));
  let found: { name: PackageManager['name']; at: string; lockFile?: string; source: string } | undefined;
  for (const at of folders) {
    const lock = LOCK_FILES.find(([file]) => existsSync(join(top, at, file)));
    if (lock) {
      const lockFile = at ? `${at}/${lock[0]}` : lock[0];
      found = { name: lock[1], at, lockFile, source: lockFile };
      break;
    }
  }
  let pinned: ReturnType<typeof parsePinned>;
  let pinnedIn: string | undefined;
  for (const at of folders) {
    pinned = parsePinned(packageJson(join(top, at))?.packageManager);
    if (pinned) {
      pinnedIn = at;
      found ??= { name: pinned.name, at, source: `"packageManager": "${pinned.text}" in ${at ? `${at}/` : ''}package.json` };
      break;
    }
  }
  if (!found) {
    const workspace = folders.find((at) => existsSync(join(top, at, 'pnpm-workspace.yaml')));
    if (workspace !== undefined) found = { name: 'pnpm', at: workspace, source: `${workspace ? `${workspace}/` : ''}pnpm-workspace.yaml` };
  }
  const name = found?.name ?? 'npm';
  const pin = pinned?.name === name ? pinned : undefined;
  let berry = false;
  let pnp = false;
  if (name === 'yarn') {
    const home = found?.at ?? folder;
    const yarnrc = readIfAny(join(top, home, '.yarnrc.yml'));
    berry = yarnrc !== undefined || (pin !== undefined && pin.major >= 2);
    const linker = yarnrc ? /^\s*nodeLinker\s*:\s*["']?([\w-]+)/m.exec(yarnrc)?.[1] : undefined;
    pnp = existsSync(join(top, home, '.pnp.cjs')) || (berry && (linker === undefined || linker === 'pnp'));
  }
  return { name, berry, pnp, pinned: pin?.text, pinnedIn: pin ? pinnedIn : undefined, lockFile: found?.lockFile, source: found?.source ?? 'no lock file: npm' };
}

function readIfAny(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** The command that installs exactly what the lock file says (CI). */
export function installCommand(pm: PackageManager): string {
  switch (pm.name) {
    case 'npm':
      return 'npm ci';
    case 'pnpm':
      return 'pnpm install --frozen-lockfile';
    case 'yarn':
      return pm.berry ? 'yarn install --immutable' : 'yarn install --frozen-lockfile';
    case 'bun':
      return 'bun install --frozen-lockfile';
  }
}

/** The command that runs the installed pgwarden with `args` (CI, and hooks where no node_modules/.bin exists). */
export function execCommand(pm: PackageManager, args: string): string {
  switch (pm.name) {
    case 'npm':
      return `npx pgwarden ${args}`;
    case 'pnpm':
      return `pnpm exec pgwarden ${args}`;
    case 'yarn':
      return `yarn pgwarden ${args}`;
    case 'bun':
      return `bunx pgwarden ${args}`;
  }
}

/** The commands that add husky to the project and create its hooks folder. */
export function huskySetupCommand(pm: PackageManager): string {
  switch (pm.name) {
    case 'npm':
      return 'npm i -D husky && npx husky init';
    case 'pnpm':
      return 'pnpm add -D husky && pnpm exec husky init';
    case 'yarn':
      return 'yarn add -D husky && yarn husky init';
    case 'bun':
      return 'bun add -d husky && bunx husky init';
  }
}
