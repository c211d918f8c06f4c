import type { StatusReport } from '../runner/status.js';
import type { DriftFinding } from './types.js';

/**
 * Where a database's ledger and the repository's migrations disagree: revisions not applied
 * (pending, or skipped while later ones were applied), revisions applied that the repository does
 * not have, revisions applied from a file that has changed since, and migrations that stopped
 * partway. These explain, in the same report, why a database's schema differs.
 */
export function ledgerFindings(status: StatusReport, environment: string | undefined): DriftFinding[] {
  const findings: DriftFinding[] = [];
  const where = environment ? ` in ${environment}` : '';
  for (const m of status.migrations) {
    const base = { class: 'ledger' as const, objectType: 'migration' as const, object: m.revision, ...(environment ? { environment } : {}) };
    if (m.state === 'pending') {
      findings.push({
        ...base,
        kind: m.outOfOrder ? 'out of order' : 'pending',
        message: m.outOfOrder ? `migration ${m.name} is not applied${where}, though later ones are (out of order)` : `migration ${m.name} is not applied${where} (pending)`,
      });
    } else if (m.state === 'missing') {
      findings.push({ ...base, kind: 'unknown', message: `revision ${m.revision} (${m.name}) is applied${where} but the repository has no such migration` });
    } else if (m.state === 'modified') {
      findings.push({ ...base, kind: 'modified', expected: m.checksum?.file, actual: m.checksum?.applied, message: `migration ${m.name} was applied${where} from a different version of its file (checksum changed since)` });
    } else if (m.state === 'partial') {
      const progress = m.partial ? ` after ${m.partial.statementsDone}${m.partial.statementsTotal !== null ? ` of ${m.partial.statementsTotal}` : ''} statements` : '';
      findings.push({ ...base, kind: 'partial', message: `migration ${m.name} stopped partway${where}${progress}` });
    }
  }
  return findings;
}
