import type { Reporter, TestModule, TestRunEndReason } from 'vitest/node';

type UnhandledErrors = Parameters<NonNullable<Reporter['onTestRunEnd']>>[1];

export interface RunTally {
  passed: number;
  failed: number;
  skipped: number;
}

/**
 * Counts a run so that `failed` is zero exactly when vitest passes: a module in the failed state (a
 * throwing beforeAll/afterAll, a file that does not load) counts as at least one failure even when
 * its tests passed, every unhandled error is one more, and a run vitest ends as failed or interrupted
 * for any other reason still counts one.
 */
export function tallyRun(testModules: ReadonlyArray<TestModule>, unhandledErrors: UnhandledErrors, reason: TestRunEndReason): RunTally {
  const tally: RunTally = { passed: 0, failed: 0, skipped: 0 };
  for (const module of testModules) {
    let failedTests = 0;
    for (const test of module.children.allTests()) {
      const state = test.result().state;
      if (state === 'passed') tally.passed++;
      else if (state === 'failed') failedTests++;
      else tally.skipped++;
    }
    tally.failed += module.state() === 'failed' ? Math.max(failedTests, 1) : failedTests;
  }
  tally.failed += unhandledErrors.length;
  if (reason !== 'passed' && tally.failed === 0) tally.failed = 1;
  return tally;
}

/** Ends the run with the plain `N passed, N failed` line CI reads (vitest's own summary is not read). */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: UnhandledErrors, reason: TestRunEndReason): void {
    const { passed, failed, skipped } = tallyRun(testModules, unhandledErrors, reason);
    console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  }
}
