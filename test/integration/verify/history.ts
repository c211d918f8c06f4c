import { sqlMigration, tempProject, type TempProject } from '../../support/project.js';

/** One migration of a test history: its slug, up, and down (undefined: no down section). */
export interface Step {
  name: string;
  up: string;
  down?: string;
  extra?: string[];
}

/** A temporary project whose migrations are the steps, chained in order. */
export function projectWith(steps: Step[]): TempProject & { revisions: Record<string, string> } {
  const project = tempProject();
  const revisions: Record<string, string> = {};
  let previous: string | undefined;
  steps.forEach((step, i) => {
    const revision = `202601010${String(Math.floor(i / 60)).padStart(1, '0')}${String(i % 60).padStart(2, '0')}00`;
    project.write(`${revision}_${step.name}.sql`, sqlMigration(revision, previous, step.up, step.down, step.extra));
    revisions[step.name] = revision;
    previous = revision;
  });
  return Object.assign(project, { revisions });
}
