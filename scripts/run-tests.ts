/**
 * `npm test`: runs every workspace's tests through turbo, then sums the vitest JSON reports into
 * one closing line ("N passed, N failed, N skipped"). With BMLB_REQUIRE_ALL=1 a skipped test is a
 * failure: CI must not pass by skipping a suite whose prerequisite is missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

type VitestReport = {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numTotalTests: number;
};

const root = path.resolve(import.meta.dirname, '..');
const workspaceDirs = ['packages', 'apps', 'tools'].flatMap((group) => {
  const dir = path.join(root, group);
  return existsSync(dir) ? readdirSync(dir).map((name) => path.join(dir, name)) : [];
});

for (const dir of workspaceDirs) rmSync(path.join(dir, '.test-results'), { recursive: true, force: true });

const turbo = spawnSync(
  'npx',
  ['turbo', 'run', 'test', '--concurrency=1', '--continue', ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
  },
);

let passed = 0;
let failed = 0;
let skipped = 0;
const missingReports: string[] = [];
for (const dir of workspaceDirs) {
  const manifest = path.join(dir, 'package.json');
  if (!existsSync(manifest)) continue;
  const scripts = (JSON.parse(readFileSync(manifest, 'utf8')) as { scripts?: Record<string, string> })
    .scripts;
  if (!scripts?.test) continue;
  const reportPath = path.join(dir, '.test-results/vitest.json');
  if (!existsSync(reportPath)) {
    missingReports.push(path.relative(root, dir));
    continue;
  }
  const report = JSON.parse(readFileSync(reportPath, 'utf8')) as VitestReport;
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
}

const requireAll = process.env.BMLB_REQUIRE_ALL === '1';
if (missingReports.length > 0) console.error(`no test report from: ${missingReports.join(', ')}`);
if (requireAll && skipped > 0)
  console.error(`BMLB_REQUIRE_ALL=1: ${skipped} skipped test(s) count as failures`);
console.log(`node ${process.versions.node}`);
console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);

const ok = turbo.status === 0 && failed === 0 && missingReports.length === 0 && !(requireAll && skipped > 0);
process.exit(ok ? 0 : 1);
