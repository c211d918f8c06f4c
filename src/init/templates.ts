import { execCommand, installCommand, type PackageManager } from './package-manager.js';

/**
 * The files `pgwarden init` writes into a repository. Each one is a starting point the team edits;
 * init never overwrites a file that exists, except husky's untouched placeholder pre-commit (`npm test`).
 */

/** `pgwarden.config.yaml`: the embedded cluster for development, production from an environment variable. */
export function configTemplate(options: { migrations: string; schema: string; postgresVersion: number }): string {
  return `# yaml-language-server: $schema=./node_modules/pgwarden/dist/config.schema.json
# pgwarden settings. Every key is optional; \`pgwarden config\` prints the resolved settings.
migrations: ${options.migrations}
schema: ${options.schema}

runner:
  # Each migration runs in its own transaction, and waits at most this long for a lock.
  transaction: per-migration
  lockTimeout: 5s

environments:
  # No URL: an embedded Postgres cluster in .pgwarden/dev, started on demand (pgwarden db start).
  dev:
    provider: embedded
  # The connection string comes from the environment, never from this file.
  prod:
    urlEnv: PROD_DATABASE_URL
    protected: true

lint:
  # The Postgres major version your migrations run on (rules such as adding-field-with-default depend on it).
  postgresVersion: ${options.postgresVersion}
`;
}

/** `schema/roles.yaml`: two group roles and their grants, the smallest useful roles file. */
export function rolesTemplate(): string {
  return `# Who may do what in the database. \`pgwarden roles plan --env <name>\` shows what would change,
# \`pgwarden roles apply --env <name>\` makes the database match. docs/roles.md describes the format.
version: 1

roles:
  app_rw:
    comment: Reads and writes the application's tables and sequences.
  app_ro:
    comment: Reads the application's tables and sequences.

grants:
  - to: app_rw
    schema: public
    profile: write
    tables: '*'
    sequences: '*'
  - to: app_ro
    schema: public
    profile: read
    tables: '*'
    sequences: '*'

# Login roles differ per environment; passwords come from environment variables at apply time.
# environments:
#   prod:
#     roles:
#       app_service:
#         login: true
#         password: { env: APP_SERVICE_PASSWORD }
#         passwordVersion: 1
#         memberOf: [app_rw]

# Tables created later by the role that runs migrations get these grants at once:
# defaultPrivileges:
#   - for: migrator
#     schema: public
#     to: app_rw
#     profile: write
#     on: [tables, sequences]
`;
}

/**
 * The pre-commit check: offline, well under a second. Hooks start pgwarden from node_modules/.bin,
 * not through npx, whose own start-up (about 0.65 s measured) would cost more than the check.
 */
export const PRE_COMMIT_COMMAND = 'pgwarden check --staged';

/** The line a husky hook runs: husky 9 puts node_modules/.bin on PATH. */
export const HUSKY_HOOK_LINE = PRE_COMMIT_COMMAND;

/** The line a plain git hook runs: git runs hooks from the top of the repository. */
export const GIT_HOOK_LINE = `./node_modules/.bin/${PRE_COMMIT_COMMAND}`;

/** npm, with node_modules: the default when nothing says otherwise. */
export const NPM: PackageManager = { name: 'npm', berry: false, pnp: false, pinned: undefined, pinnedIn: undefined, lockFile: undefined, source: 'no lock file: npm' };

/** A word for sh: single-quoted when it holds anything but plain path characters. */
function shellWord(text: string): string {
  return /^[\w./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * Where the project sits in its repository, for a hook: git runs hooks from the top of the
 * repository, and pgwarden may be installed in the project's folder or hoisted to the top (npm
 * workspaces).
 */
export interface HookPlace {
  /** The project's folder relative to the top of the repository, `/`-separated; '' at the top. */
  folder: string;
  /** pgwarden's command relative to the project's folder (`./node_modules/.bin/pgwarden`, `../../node_modules/.bin/pgwarden`): the one installed now, else the project's own. */
  bin: string;
}

/** The pgwarden commands a hook tries from a sub-folder: the project's own, then each folder above up to the top. */
export function binCandidates(folder: string): string[] {
  const depth = folder.split('/').filter(Boolean).length;
  return Array.from({ length: depth + 1 }, (_, up) => `${'../'.repeat(up) || './'}node_modules/.bin/pgwarden`);
}

/** The body of a hook for a project in a sub-folder of its repository (a monorepo package). */
function subFolderHook(place: HookPlace, pm: PackageManager): string {
  if (pm.pnp) return `cd ${shellWord(place.folder)} || exit 1\nexec ${execCommand(pm, 'check --staged')}\n`;
  const candidates = binCandidates(place.folder);
  return `cd ${shellWord(place.folder)} || exit 1
for pgwarden in ${candidates.join(' ')}; do
  if [ -x "$pgwarden" ]; then exec "$pgwarden" check --staged; fi
done
echo "pgwarden: not installed in $PWD nor above it: run ${pm.name} install there" >&2
exit 1
`;
}

/**
 * The line to add to a hook that exists already (run in a subshell: it must not end the hook). In
 * a Yarn Plug'n'Play project, which has no node_modules/.bin, pgwarden runs through Yarn.
 */
export function hookLine(kind: 'husky' | 'git', place?: HookPlace, pm: PackageManager = NPM): string {
  if (pm.pnp) return place?.folder ? `(cd ${shellWord(place.folder)} && ${execCommand(pm, 'check --staged')})` : execCommand(pm, 'check --staged');
  if (!place?.folder) return kind === 'husky' ? HUSKY_HOOK_LINE : GIT_HOOK_LINE;
  return `(cd ${shellWord(place.folder)} && ${place.bin} check --staged)`;
}

/** `.husky/pre-commit` (husky 9: a plain shell script). */
export function huskyHookTemplate(place?: HookPlace, pm: PackageManager = NPM): string {
  return `# pgwarden: lint the staged migrations and check the history's structure (offline).
${place?.folder ? subFolderHook(place, pm) : `${hookLine('husky', place, pm)}\n`}`;
}

/** `.git/hooks/pre-commit` when the repository does not use husky. */
export function gitHookTemplate(place?: HookPlace, pm: PackageManager = NPM): string {
  return `#!/bin/sh
# Installed by pgwarden init: lint the staged migrations and check the history's structure (offline).
# Skip once with: git commit --no-verify
${place?.folder ? subFolderHook(place, pm) : `exec ${hookLine('git', place, pm)}\n`}`;
}

/**
 * Where the project sits for GitHub Actions, which reads workflows from the top of the repository
 * only: the project's folder and where `npm ci` runs (the folder of the lock file, the top for npm
 * workspaces), both relative to the top, `/`-separated.
 */
export interface WorkflowPlace {
  folder: string;
  /** Where the lock file is (`''` for the top); `npm ci` runs there. */
  install: string;
}

/** The workflow's file name: one per project, so that two packages of a monorepo get one each. */
export function githubWorkflowPath(place?: WorkflowPlace): string {
  return place?.folder ? `.github/workflows/pgwarden-${place.folder.replace(/[^\w.-]+/g, '-')}.yml` : '.github/workflows/pgwarden.yml';
}

/**
 * `.github/workflows/pgwarden.yml`: the CI gate on the embedded Postgres, with SARIF for code
 * scanning. For a project in a sub-folder (`place`), its commands run there
 * (`defaults.run.working-directory`) and the paths the actions read are written from the top.
 */
export function githubWorkflowTemplate(place?: WorkflowPlace, pm: PackageManager = NPM): string {
  const folder = place?.folder ?? '';
  const inFolder = (path: string) => (folder ? `${folder}/${path}` : path);
  const lock = place ? (pm.lockFile ?? (pm.name === 'npm' ? (place.install ? `${place.install}/package-lock.json` : 'package-lock.json') : undefined)) : undefined;
  const install = place && place.install !== folder ? `      - run: ${installCommand(pm)}\n        working-directory: ${place.install || '.'}${place.install ? '' : ` # the lock file is at the top (${pm.name} workspaces)`}\n` : `      - run: ${installCommand(pm)}\n`;
  const setup = githubSetupSteps(pm, lock);
  return `# pgwarden: lint, verify on a throwaway database, docs --check and the roles plan, on every pull request.
# docs/ci/github-actions.yml in the pgwarden package shows the variant on a "services: postgres" server.
name: ${folder ? `pgwarden (${folder})` : 'pgwarden'}

on:
  pull_request:
  push:
    branches: [main]

permissions:
  contents: read
  security-events: write # upload the SARIF results to code scanning
${
  folder
    ? `
# The project is in ${folder}: its commands run there. Paths in actions' inputs are from the top.
defaults:
  run:
    working-directory: ${folder}
`
    : ''
}
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
${setup}${install}      # Writes pgwarden-report/pgwarden-results.sarif and pgwarden-summary.md, prints annotations
      # on the changed lines and adds the summary table to the job summary.
      - name: pgwarden check
        run: ${execCommand(pm, 'check --report-dir pgwarden-report --github')}
      - name: Upload SARIF
        if: always() && hashFiles('${inFolder('pgwarden-report/pgwarden-results.sarif')}') != ''
        uses: github/codeql-action/upload-sarif@v3
        with:
          sarif_file: ${inFolder('pgwarden-report/pgwarden-results.sarif')}
          category: ${folder ? `pgwarden-${folder.replace(/[^\w.-]+/g, '-')}` : 'pgwarden'}
`;
}

/**
 * The steps that set Node and the package manager up: setup-node caches npm, pnpm and Yarn 1's
 * downloads; pnpm comes from pnpm/action-setup (the version of the `packageManager` field, which
 * the action reads itself from package.json at the top), Yarn 2+ from Corepack, Bun from oven-sh/setup-bun.
 */
function githubSetupSteps(pm: PackageManager, lock: string | undefined): string {
  const node = (cache: string | undefined) =>
    `      - uses: actions/setup-node@v4
        with:
          node-version: 22
${cache ? `          cache: ${cache}\n${lock ? `          cache-dependency-path: ${lock}\n` : ''}` : ''}`;
  switch (pm.name) {
    case 'npm':
      return node('npm');
    case 'pnpm': {
      // The action reads the field from package.json at the top only.
      const major = pm.pinned ? /@(\d+)/.exec(pm.pinned)?.[1] : undefined;
      const version = pm.pinnedIn === '' ? '' : major ? `        with:\n          version: ${major} # "packageManager" of ${pm.pinnedIn}/package.json\n` : `        with:\n          version: 10 # or set "packageManager" in package.json\n`;
      return `      - uses: pnpm/action-setup@v4\n${version}${node('pnpm')}`;
    }
    case 'yarn':
      return pm.berry ? `${node(undefined)}      - run: corepack enable # Yarn ${pm.pinned ?? '2+'} from Corepack\n` : node('yarn');
    case 'bun':
      return `      - uses: oven-sh/setup-bun@v2\n${node(undefined)}`;
  }
}

/** `.gitlab-ci.yml` (only written when the repository has none). */
export function gitlabTemplate(pm: PackageManager = NPM): string {
  const prepare = pm.name === 'pnpm' || (pm.name === 'yarn' && pm.berry) ? `    - corepack enable # ${pm.name} from Corepack\n` : pm.name === 'bun' ? '    - npm install -g bun\n' : '';
  return `# pgwarden: lint, verify on a throwaway database, docs --check and the roles plan.
# docs/ci/gitlab-ci.yml in the pgwarden package shows the variant on a "services: postgres" server.
pgwarden:
  image: node:22
  stage: test
  script:
${prepare}    - ${installCommand(pm)}
    # The embedded Postgres runs as an unprivileged "postgres" OS user when the job runs as root.
    - ${execCommand(pm, 'check --report-dir pgwarden-report')}
  artifacts:
    when: always
    paths:
      - pgwarden-report/
`;
}

/** What `.gitignore` needs: the caches and the development cluster, and the CI reports. */
export const GITIGNORE_LINES = ['.pgwarden/', 'pgwarden-report/'];

/** `migrations/.gitkeep`: git does not keep an empty folder. */
export const GITKEEP = '';
