export {
  summarizeTestRun,
  type TestRunSummary,
  type TestTaskOutcome,
  type VitestReport,
} from './summarize-test-run.ts';
