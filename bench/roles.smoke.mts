import { startThrowawayCluster } from '../src/providers/embedded.ts';
import { execFileSync } from 'node:child_process';
const s = await startThrowawayCluster();
try {
  const out = execFileSync('node', ['bin/pgwarden.js', 'roles', 'plan', '--env', 'dev', '--url', s.url('postgres')], { encoding: 'utf8' });
  console.log(out);
} finally { await s.stop(); }
