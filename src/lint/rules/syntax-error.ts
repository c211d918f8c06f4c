import type { LintMigration, Rule } from '../types.js';

const HELP = 'Postgres would refuse this migration. Fix the SQL at the marked position; lint checks everything else only on SQL it can parse.';

/** SQL that Postgres cannot parse, at the position Postgres reports. */
export const rule: Rule = {
  id: 'syntax-error',
  description: 'SQL that the PostgreSQL parser rejects.',
  defaultSeverity: 'error',
  kind: 'governance',
  history(ctx) {
    for (const migration of ctx.migrations) {
      for (const error of migration.syntaxErrors) {
        if (error.pgmDb) {
          ctx.report({
            at: { migration, line: error.line, column: error.column },
            message: `${error.section} calls pgm.db.${error.pgmDb}, which reads the database while node-pg-migrate builds the migration's SQL: pgwarden can neither lint nor run this migration (it builds every migration's SQL offline, before running any)`,
            help: `Move the logic into SQL: pgm.sql with INSERT ... SELECT, UPDATE ... FROM or a DO block. Lint checks the ${error.section} section once it builds its SQL without the database.`,
          });
          continue;
        }
        const psql = psqlOnly(migration, error);
        ctx.report({
          at: { migration, line: error.line, column: error.column },
          message: `${error.section} section: ${error.message}${psql ? `: ${psql.message}` : ''}`,
          help: psql?.help ?? HELP,
        });
      }
    }
  },
};

/**
 * psql's own syntax where the parser stopped: a backslash meta-command (`\connect`, `\set`, the
 * `\restrict` lines of recent pg_dump output) or the inline rows of `COPY ... FROM stdin`. The
 * server's "syntax error at or near" does not say that the text is not SQL at all.
 */
function psqlOnly(migration: LintMigration, error: { section: 'up' | 'down'; line: number }): { message: string; help: string } | undefined {
  if (migration.file.kind !== 'sql') return undefined;
  const section = migration.file[error.section];
  if (!section) return undefined;
  const lines = migration.file.text.split('\n');
  const text = lines[error.line - 1]?.trim() ?? '';
  const copy = copyFromStdinBefore(lines, section.line, error.line);
  if (copy !== undefined) {
    return {
      message: `line ${copy} is COPY ... FROM stdin, and the lines after it are its rows: inline COPY data is psql's format (pg_dump output), not SQL the server can parse`,
      help: 'pgwarden sends migrations to the server as SQL, without psql: write the rows as INSERT ... VALUES (pg_dump --inserts produces them), or COPY from a file the server can read.',
    };
  }
  const command = /^\\([A-Za-z!?]+)/.exec(text)?.[1];
  if (command !== undefined) {
    return {
      message: `\\${command} is a psql meta-command, not SQL`,
      help: 'pgwarden sends migrations to the server as SQL, without psql: remove psql meta-commands (\\connect, \\set, \\i, and the \\restrict and \\unrestrict lines recent pg_dump versions write around a plain dump).',
    };
  }
  return undefined;
}

/**
 * The line of a `COPY ... FROM stdin;` just before `line` (blank lines between), if any: the parser
 * stops at the first row of its data, or at the `\.` that ends it.
 */
function copyFromStdinBefore(lines: readonly string[], firstLine: number, line: number): number | undefined {
  for (let i = line - 2; i >= firstLine - 1 && i >= 0; i--) {
    const text = lines[i]!.trim();
    if (text === '') continue;
    return /^copy\b.*\bfrom\s+stdin\b[^;]*;$/i.test(text) ? i + 1 : undefined;
  }
  return undefined;
}
