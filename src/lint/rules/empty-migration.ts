import { sectionTarget } from '../positions.js';
import type { Rule } from '../types.js';

/** An up section with no statement: the file `pgwarden new` wrote, committed before its SQL. */
export const rule: Rule = {
  id: 'empty-migration',
  description: 'A migration whose up section holds no statement: applying it changes nothing.',
  defaultSeverity: 'error',
  kind: 'governance',
  migration(migration, _models, ctx) {
    if (migration.up.length > 0 || migration.syntaxErrors.some((e) => e.section === 'up')) return;
    const { file } = migration;
    ctx.report({
      at: sectionTarget(migration, 'up'),
      message: file.kind === 'sql' ? `${file.fileName} has no statement in its up section: applying it changes nothing` : `${file.fileName}'s up function produces no SQL: applying it changes nothing`,
      help: file.kind === 'sql'
        ? 'Write the change under "-- Up Migration" (pgwarden new leaves the section empty), or delete the file if the change is not needed. The runner would record the revision as applied while nothing happened.'
        : 'Call pgm methods (pgm.createTable, pgm.sql, ...) in the up function, or delete the file if the change is not needed. The runner would record the revision as applied while nothing happened.',
    });
  },
};
