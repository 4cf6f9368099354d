/** The walkthroughs' printout: a titled, timed step at a time (`▶ title` … `✓ 1.23 s`). */

export type StepTiming = { readonly step: string; readonly ms: number };

export type StepPrinter = {
  /** Prints the title, runs `run`, prints and records how long it took. */
  step<T>(title: string, run: () => Promise<T>): Promise<T>;
  readonly timings: readonly StepTiming[];
};

export function createStepPrinter(out: (line: string) => void): StepPrinter {
  const timings: StepTiming[] = [];
  return {
    async step(title, run) {
      out(`\n▶ ${title}`);
      const start = performance.now();
      const value = await run();
      const ms = performance.now() - start;
      timings.push({ step: title, ms });
      out(`  ✓ ${(ms / 1000).toFixed(2)} s`);
      return value;
    },
    timings,
  };
}
