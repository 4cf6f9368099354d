/**
 * Sums the vitest JSON reports of one `npm test` run into its closing line, and names every way a
 * workspace's tests can fail without a failed test in the count: a test file that never loaded
 * (an import that does not resolve), a file whose hook threw (its tests are reported skipped), a
 * task that exited non-zero with no failed test (a global setup that threw, an unhandled error),
 * and a task that wrote no report at all. Each of those counts as one failure, so the closing line
 * can never read "0 failed" for a suite that did not run.
 */

/** The fields of vitest's `json` reporter output that the summary reads. */
export type VitestReport = {
  readonly numPassedTests: number;
  readonly numFailedTests: number;
  readonly numPendingTests: number;
  readonly numTodoTests: number;
  readonly testResults: readonly {
    readonly name: string;
    readonly status: string;
    readonly message?: string;
    readonly assertionResults: readonly VitestAssertion[];
  }[];
};

/** One test of a file in vitest's `json` report. */
export type VitestAssertion = {
  readonly fullName?: string;
  readonly status?: string;
  readonly failureMessages?: readonly string[];
};

/** One workspace's test task as turbo ran it. */
export type TestTaskOutcome = {
  /** The workspace directory, relative to the repository root (`packages/ipam`). */
  readonly workspace: string;
  /** The task's exit code; null when turbo did not record one (the task never started). */
  readonly exitCode: number | null;
  readonly report: VitestReport | undefined;
};

export type TestRunSummary = {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  /**
   * One line per failed test (file, name and the first line of its error: CI shows only the end of
   * the output), per failure that is not a failed test, and one for skips that CI refuses.
   */
  readonly problems: readonly string[];
  /** `Tests: N passed, N failed, N skipped`, the line CI reads. */
  readonly closingLine: string;
  readonly ok: boolean;
};

export function summarizeTestRun(
  outcomes: readonly TestTaskOutcome[],
  options: { readonly requireAll: boolean },
): TestRunSummary {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const problems: string[] = [];
  for (const { workspace, exitCode, report } of outcomes) {
    if (report === undefined) {
      failed += 1;
      problems.push(`${workspace}: no test report (exit code ${exitCode ?? 'none'}); its tests did not run`);
      continue;
    }
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    skipped += report.numPendingTests + report.numTodoTests;
    let fileFailures = 0;
    for (const file of report.testResults) {
      const name = relativeTo(workspace, file.name);
      const failedTests = file.assertionResults.filter((test) => test.status === 'failed');
      for (const test of failedTests)
        problems.push(
          `${workspace}: failed: ${name} > ${test.fullName ?? 'unnamed test'}: ${firstLine(test.failureMessages?.[0])}`,
        );
      if (file.status !== 'failed') continue;
      if (file.assertionResults.length === 0) {
        fileFailures += 1;
        problems.push(`${workspace}: failed to load ${name}: ${firstLine(file.message)}`);
      } else if (failedTests.length === 0) {
        // vitest's JSON report keeps no message for it: the error is in the output above.
        fileFailures += 1;
        problems.push(
          `${workspace}: ${name} failed outside its tests (a beforeAll or afterAll hook threw; see its output above)`,
        );
      }
    }
    failed += fileFailures;
    if (exitCode !== 0 && report.numFailedTests === 0 && fileFailures === 0) {
      failed += 1;
      problems.push(
        `${workspace}: exited ${exitCode ?? 'without a code'} with no failed test (a global setup or an unhandled error; see its output above)`,
      );
    }
  }
  if (options.requireAll && skipped > 0)
    problems.push(`BMLB_REQUIRE_ALL=1: ${skipped} skipped test(s) count as failures`);
  return {
    passed,
    failed,
    skipped,
    problems,
    closingLine: `Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`,
    ok: failed === 0 && !(options.requireAll && skipped > 0),
  };
}

function relativeTo(workspace: string, file: string): string {
  const at = file.indexOf(`/${workspace}/`);
  return at === -1 ? file : file.slice(at + workspace.length + 2);
}

/** The first line of an error message, cut at 300 characters (an assertion can print a whole object). */
function firstLine(message: string | undefined): string {
  const line = message?.split('\n', 1)[0]?.trim() || 'no message';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
