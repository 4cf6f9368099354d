/**
 * `npm test`: runs every workspace's tests through turbo, then sums the vitest JSON reports into
 * one closing line ("Tests: N passed, N failed, N skipped"). Extra arguments go to turbo
 * (`npm test -- --filter=@baremetal-lb/ipam` runs only that workspace).
 *
 * Every test task turbo ran is accounted for, from turbo's own run summary: a test file that
 * failed to load, a task that exited non-zero without a failed test (a global setup that threw,
 * an unhandled error) and a task that left no report each count as one failure and are named
 * above the closing line. With BMLB_REQUIRE_ALL=1 a skipped test is a failure too: CI must not pass
 * by skipping a suite whose prerequisite is missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { summarizeTestRun, type TestTaskOutcome } from '../tools/test-run/src/summarize-test-run.ts';

type TurboRunSummary = {
  readonly tasks: readonly {
    readonly task: string;
    readonly directory: string;
    readonly command: string;
    readonly execution?: { readonly exitCode?: number | null };
  }[];
};

const root = path.resolve(import.meta.dirname, '..');
const runsDir = path.join(root, '.turbo/runs');

// Reports of an earlier run must not be counted as this run's.
for (const group of ['packages', 'apps', 'tools']) {
  const dir = path.join(root, group);
  if (!existsSync(dir)) continue;
  for (const name of readdirSync(dir))
    rmSync(path.join(dir, name, '.test-results'), { recursive: true, force: true });
}
rmSync(runsDir, { recursive: true, force: true });

const turbo = spawnSync(
  'npx',
  ['turbo', 'run', 'test', '--concurrency=1', '--continue', '--summarize', ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit' },
);

const outcomes = readTaskOutcomes();
const summary = summarizeTestRun(outcomes, { requireAll: process.env.BMLB_REQUIRE_ALL === '1' });
for (const line of summary.problems) console.error(line);
if (outcomes.length === 0) console.error('turbo ran no test task (check the --filter)');
console.log(`node ${process.versions.node}`);
console.log(summary.closingLine);
process.exit(turbo.status === 0 && summary.ok && outcomes.length > 0 ? 0 : 1);

function readTaskOutcomes(): TestTaskOutcome[] {
  const files = existsSync(runsDir) ? readdirSync(runsDir).filter((name) => name.endsWith('.json')) : [];
  if (files.length !== 1) {
    console.error(`expected one turbo run summary in ${runsDir}, found ${files.length}`);
    return [];
  }
  const run = JSON.parse(readFileSync(path.join(runsDir, files[0] as string), 'utf8')) as TurboRunSummary;
  return (
    run.tasks
      // Workspaces without a test script appear with the command "<NONEXISTENT>".
      .filter((task) => task.task === 'test' && task.command !== '<NONEXISTENT>')
      .map((task) => {
        const reportPath = path.join(root, task.directory, '.test-results/vitest.json');
        return {
          workspace: task.directory,
          exitCode: task.execution?.exitCode ?? null,
          report: existsSync(reportPath) ? JSON.parse(readFileSync(reportPath, 'utf8')) : undefined,
        };
      })
  );
}
