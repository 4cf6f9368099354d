import { describe, expect, it } from 'vitest';
import { ReconcileTrigger } from './reconcile-trigger.ts';

const tick = () => new Promise((r) => setImmediate(r));

describe('ReconcileTrigger', () => {
  it('runs nothing before enable, one run per burst after, nothing after disable', async () => {
    let runs = 0;
    const trigger = new ReconcileTrigger(() => runs++);
    trigger.request();
    await tick();
    expect(runs).toBe(0);
    trigger.enable();
    trigger.request();
    trigger.request();
    trigger.request();
    await tick();
    expect(runs).toBe(1);
    trigger.request();
    trigger.disable();
    await tick();
    expect(runs).toBe(1);
  });
});
