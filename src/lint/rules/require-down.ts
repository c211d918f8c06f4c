import { isEmptySection } from '../../migrations/parse.js';
import { sectionTarget } from '../positions.js';
import type { Rule } from '../types.js';

/** No down section and no `Irreversible:` reason. */
export const rule: Rule = {
  id: 'require-down',
  description: 'A migration without a down section that does not declare why (`--! Irreversible: <reason>`).',
  defaultSeverity: 'error',
  kind: 'governance',
  migration(migration, _models, ctx) {
    const { file } = migration;
    if (file.irreversible) return;
    if (migration.up.length === 0 && migration.syntaxErrors.length === 0) return;
    const hasDown = file.kind === 'sql' ? !isEmptySection(file.down) : migration.down.length > 0;
    if (hasDown || migration.syntaxErrors.some((e) => e.section === 'down')) return;
    ctx.report({
      at: sectionTarget(migration, 'down'),
      message: `${file.fileName} has no down section and does not say why it cannot be undone`,
      help: 'Without a down section, `pgwarden down` cannot roll this migration back. If it truly cannot be undone (data is destroyed), say so in the header, so reviewers and the runner know.',
      fix: file.kind === 'sql' ? { description: 'Add a "-- Down Migration" section that undoes the up section, or declare the migration irreversible', replacement: '--! Irreversible: <why this cannot be undone>', replaces: { header: 'Irreversible' } } : { description: 'Export a down function, or set exports.down = false with a header comment "//! Irreversible: <why>"' },
    });
  },
};
