/**
 * For the tests on real sockets: poll every 10 ms (real time) until `predicate` holds; resolves
 * with the milliseconds it took, or undefined after `limitMs`.
 */
export declare function waitFor(predicate: () => boolean, limitMs: number): Promise<number | undefined>;
//# sourceMappingURL=wait-for.d.ts.map
