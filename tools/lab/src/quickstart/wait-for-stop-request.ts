/**
 * Waits until the user asks a kept lab to stop: Ctrl-C (SIGINT) or SIGTERM.
 *
 * The listeners stay until the process exits. A terminal's Ctrl-C reaches every process of the
 * foreground group, and npm forwards it to its child as well, so the lab can see SIGINT more than
 * once; with the listener gone, the next one would kill the lab half-way through its teardown and
 * npm would report "Lifecycle script `lab` failed ... code 130" for a clean stop. Repeats are
 * acknowledged and otherwise ignored.
 */
export function waitForStopRequest(out: (line: string) => void): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let requested: NodeJS.Signals | undefined;
    const onSignal = (signal: NodeJS.Signals) => {
      if (requested !== undefined) {
        out(`${signal}: already tearing the lab down.`);
        return;
      }
      requested = signal;
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
