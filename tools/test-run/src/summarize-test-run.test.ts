import { describe, expect, it } from 'vitest';
import { summarizeTestRun, type TestTaskOutcome, type VitestReport } from './summarize-test-run.ts';

function report(overrides: Partial<VitestReport> = {}): VitestReport {
  return {
    numPassedTests: 0,
    numFailedTests: 0,
    numPendingTests: 0,
    numTodoTests: 0,
    testResults: [],
    ...overrides,
  };
}

const passing: TestTaskOutcome = {
  workspace: 'packages/ipam',
  exitCode: 0,
  report: report({
    numPassedTests: 12,
    testResults: [
      { name: '/repo/packages/ipam/src/pool.test.ts', status: 'passed', assertionResults: [{}, {}] },
    ],
  }),
};

describe('summarizeTestRun', () => {
  it('sums passed, failed and skipped tests over the workspaces', () => {
    const summary = summarizeTestRun(
      [
        passing,
        {
          workspace: 'apps/speaker',
          exitCode: 1,
          report: report({ numPassedTests: 3, numFailedTests: 2, numPendingTests: 1, numTodoTests: 1 }),
        },
      ],
      { requireAll: false },
    );
    expect(summary).toMatchObject({ passed: 15, failed: 2, skipped: 2, problems: [], ok: false });
    expect(summary.closingLine).toBe('Tests: 15 passed, 2 failed, 2 skipped');
  });

  it('counts a test file that failed to load as a failure and names it', () => {
    // The shape vitest 4 writes for `import '@nope/nothing'` in a test file.
    const summary = summarizeTestRun(
      [
        {
          workspace: 'packages/ipam',
          exitCode: 1,
          report: report({
            numPassedTests: 4,
            testResults: [
              {
                name: '/repo/packages/ipam/src/zz-broken.test.ts',
                status: 'failed',
                message:
                  "Cannot find package '@nope/nothing' imported from /repo/packages/ipam/src/zz-broken.test.ts\nstack",
                assertionResults: [],
              },
            ],
          }),
        },
      ],
      { requireAll: false },
    );
    expect(summary.closingLine).toBe('Tests: 4 passed, 1 failed, 0 skipped');
    expect(summary.problems).toEqual([
      "packages/ipam: failed to load src/zz-broken.test.ts: Cannot find package '@nope/nothing' imported from /repo/packages/ipam/src/zz-broken.test.ts",
    ]);
    expect(summary.ok).toBe(false);
  });

  it('counts a task that exited non-zero without a failed test (a global setup that threw)', () => {
    const summary = summarizeTestRun(
      [passing, { workspace: 'tools/envtest', exitCode: 1, report: report() }],
      {
        requireAll: false,
      },
    );
    expect(summary.failed).toBe(1);
    expect(summary.problems).toEqual([
      expect.stringMatching(/^tools\/envtest: exited 1 with no failed test/),
    ]);
    expect(summary.ok).toBe(false);
  });

  it('counts a file whose beforeAll threw once, and names it', () => {
    // The shape vitest 4 writes when a beforeAll throws: the file failed, its tests skipped, no message.
    const skippedTest = { fullName: 'suite a test', status: 'skipped', failureMessages: [] };
    const summary = summarizeTestRun(
      [
        {
          workspace: 'tools/lab',
          exitCode: 1,
          report: report({
            numPendingTests: 2,
            testResults: [
              {
                name: '/repo/tools/lab/src/real-cluster/real-cluster-ctrl-c.e2e.test.ts',
                status: 'failed',
                message: '',
                assertionResults: [skippedTest, skippedTest],
              },
            ],
          }),
        },
      ],
      { requireAll: false },
    );
    expect(summary.closingLine).toBe('Tests: 0 passed, 1 failed, 2 skipped');
    expect(summary.problems).toEqual([
      'tools/lab: src/real-cluster/real-cluster-ctrl-c.e2e.test.ts failed outside its tests (a beforeAll or afterAll hook threw; see its output above)',
    ]);
  });

  it('counts a task that wrote no report', () => {
    const summary = summarizeTestRun(
      [passing, { workspace: 'apps/controller', exitCode: 1, report: undefined }],
      {
        requireAll: false,
      },
    );
    expect(summary.closingLine).toBe('Tests: 12 passed, 1 failed, 0 skipped');
    expect(summary.problems).toEqual([
      'apps/controller: no test report (exit code 1); its tests did not run',
    ]);
  });

  it('does not count a failed test twice when its task exits non-zero', () => {
    const summary = summarizeTestRun(
      [{ workspace: 'apps/speaker', exitCode: 1, report: report({ numPassedTests: 1, numFailedTests: 1 }) }],
      { requireAll: false },
    );
    expect(summary.failed).toBe(1);
    expect(summary.problems).toEqual([]);
  });

  it('names each failed test with the first line of its error, since CI shows only the end of the output', () => {
    // The shape vitest 4 writes for a failed expect().toBeLessThan() in a nested describe.
    const summary = summarizeTestRun(
      [
        {
          workspace: 'tools/lab',
          exitCode: 1,
          report: report({
            numPassedTests: 1,
            numFailedTests: 1,
            testResults: [
              {
                name: '/check/work/main/tools/lab/src/real-cluster/real-cluster.e2e.test.ts',
                status: 'failed',
                assertionResults: [
                  { fullName: 'real cluster starts', status: 'passed', failureMessages: [] },
                  {
                    fullName: 'real cluster fails over',
                    status: 'failed',
                    failureMessages: [`AssertionError: expected 5200 to be less than 5000\n    at stack`],
                  },
                ],
              },
            ],
          }),
        },
      ],
      { requireAll: false },
    );
    expect(summary.failed).toBe(1);
    expect(summary.problems).toEqual([
      'tools/lab: failed: src/real-cluster/real-cluster.e2e.test.ts > real cluster fails over: AssertionError: expected 5200 to be less than 5000',
    ]);
  });

  it('cuts a long error line', () => {
    const test = { fullName: 't', status: 'failed', failureMessages: [`Error: ${'x'.repeat(1000)}`] };
    const [line] = summarizeTestRun(
      [
        {
          workspace: 'packages/ipam',
          exitCode: 1,
          report: report({
            numFailedTests: 1,
            testResults: [{ name: '/r/packages/ipam/a.test.ts', status: 'failed', assertionResults: [test] }],
          }),
        },
      ],
      { requireAll: false },
    ).problems;
    expect(line).toMatch(/^packages\/ipam: failed: a\.test\.ts > t: Error: x+…$/);
    expect(line!.length).toBeLessThan(400);
  });

  it('refuses skipped tests only when every suite is required', () => {
    const withSkip: TestTaskOutcome = {
      workspace: 'tools/lab',
      exitCode: 0,
      report: report({ numPendingTests: 3 }),
    };
    expect(summarizeTestRun([passing, withSkip], { requireAll: false }).ok).toBe(true);
    const required = summarizeTestRun([passing, withSkip], { requireAll: true });
    expect(required.ok).toBe(false);
    expect(required.problems).toEqual(['BMLB_REQUIRE_ALL=1: 3 skipped test(s) count as failures']);
  });

  it('passes a clean run', () => {
    expect(summarizeTestRun([passing], { requireAll: true })).toMatchObject({ ok: true, problems: [] });
  });
});
