import { headerTarget } from '../positions.js';
import type { Rule } from '../types.js';

/** Descriptions that say nothing about the change. */
const EMPTY_WORDS = new Set([
  'wip', 'update', 'updates', 'updated', 'fix', 'fixes', 'fixed', 'change', 'changes', 'migration', 'migrations', 'new migration',
  'todo', 'tbd', 'tmp', 'temp', 'test', 'testing', 'misc', 'stuff', 'foo', 'bar', 'asdf', 'placeholder', 'description', 'untitled',
  'some changes', 'minor changes', 'db changes', 'schema changes', 'schema update', 'db update', 'database changes', 'more changes',
  'small fix', 'minor fix', 'cleanup', 'changes to schema', 'xxx', 'n/a', 'na', 'none', 'empty', 'migrate', 'up', 'down',
]);

/** The most letters and digits a description of {@link EMPTY_WORDS} has. */
const EMPTY_WORDS_MAX = Math.max(...[...EMPTY_WORDS].map((w) => w.replace(/[^a-z0-9]/g, '').length));

/** Why a description says nothing, or undefined when it says something. */
export function emptyDescriptionReason(description: string): string | undefined {
  const text = description.trim();
  if (text.length === 0) return 'has no description';
  // Most descriptions have more letters and digits than any empty phrase: no need to normalise them.
  const lower = text.toLowerCase();
  let alnum = 0;
  for (let i = 0; i < lower.length && alnum <= EMPTY_WORDS_MAX; i++) {
    const c = lower.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) alnum++;
  }
  if (alnum > EMPTY_WORDS_MAX) return undefined;
  const normal = text.toLowerCase().replace(/[^a-z0-9/ ]+/g, ' ').replace(/\s+/g, ' ').trim();
  if (normal.replace(/[^a-z0-9]/g, '').length < 3) return `has the description "${text}", which says nothing`;
  if (EMPTY_WORDS.has(normal)) return `has the description "${text}", which says nothing about the change`;
  return undefined;
}

/** No description, or one that says nothing ("wip", "update", "fix", ...). */
export const rule: Rule = {
  id: 'require-docstring',
  description: 'A migration without a description, or with one that says nothing ("wip", "update", "fix").',
  defaultSeverity: 'error',
  kind: 'governance',
  history(ctx) {
    for (const migration of ctx.migrations) {
      const reason = emptyDescriptionReason(migration.file.description);
      if (!reason) continue;
      const field = migration.file.header.find((h) => h.key === 'Description');
      ctx.report({
        at: headerTarget(migration, 'Description'),
        message: `${migration.file.fileName} ${reason}`,
        help: 'The description is what `pgwarden status`, `history` and reviewers see for this change. Say what it changes, e.g. "Add an index on jobs.status for the queue poller".',
        fix: {
          description: field ? 'Rewrite the description to say what the migration changes' : 'Add a description to the header',
          replacement: `--! Description: <what this migration changes>`,
          replaces: { header: 'Description' },
        },
      });
    }
  },
};
