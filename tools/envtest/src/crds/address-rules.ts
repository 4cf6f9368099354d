/**
 * The CEL rules that validate one IPAddressPool address entry in deploy/crds. They are generated
 * here because the order rule is long and mechanical; address-rules.test.ts checks that the CRD
 * carries exactly these strings.
 *
 * Constraints of CEL in Kubernetes 1.34 that shape them:
 * - no `let`: `[x].all(v, f(v))` binds x to v (a one-element list literal costs nothing extra);
 * - the cost estimator must bound every rule at CRD creation: `split()` lists and `string(int)`
 *   have unknown sizes and blow the budget, so the rules use `indexOf`/`substring` and index a
 *   literal list of prefix suffixes instead;
 * - IP addresses have no `<`: the order is derived from CIDR containment (see addressOrderRule).
 */

const start = "self.substring(0, self.indexOf('-')).trim()";
const end = "self.substring(self.indexOf('-') + 1).trim()";
const notAPairOfIps = "e.contains('-') || !isIP(s) || !isIP(e)";
const prefixSuffixes = `[${Array.from({ length: 129 }, (_, i) => `'/${i}'`).join(', ')}]`;

/** A CIDR, or `start-end` where both ends are IP addresses (spaces around the dash allowed). */
export const addressShapeRule = `self.contains('-') ? [${start}].all(s, [${end}].all(e, !e.contains('-') && isIP(s) && isIP(e))) : isCIDR(self)`;

/** Both ends of a range are of one family. */
export const addressFamilyRule = `!self.contains('-') || [${start}].all(s, [${end}].all(e, ${notAPairOfIps} || ip(s).family() == ip(e).family()))`;

/**
 * Binary search for the common prefix length L of s and e: the largest p with "e inside s/p"
 * (`cidr()` accepts host bits, so s/p needs no masking). Invariant: e is inside s/lo and not
 * inside s/hi. When the interval is one wide, s <= e iff s has a 0 at bit L, i.e. the network
 * address of s/L lies inside s/(L+1).
 */
function searchFirstDifference(steps: number, lo: string, hi: string): string {
  if (steps === 0) {
    return `cidr(s + ${prefixSuffixes}[${lo} + 1]).containsIP(cidr(s + ${prefixSuffixes}[${lo}]).masked().ip())`;
  }
  const [m, x, nextLo, nextHi] = [`m${steps}`, `x${steps}`, `lo${steps}`, `hi${steps}`];
  return (
    `[(${lo} + ${hi}) / 2].all(${m}, [cidr(s + ${prefixSuffixes}[${m}]).containsIP(e)].all(${x},` +
    ` [${x} ? ${m} : ${lo}].all(${nextLo}, [${x} ? ${hi} : ${m}].all(${nextHi}, ${searchFirstDifference(steps - 1, nextLo, nextHi)}))))`
  );
}

/**
 * start <= end. Equal addresses pass first (they have no differing bit); otherwise eight halvings
 * take [0, 129) for IPv6, and [0, 33) for IPv4, down to the first differing bit.
 */
export const addressOrderRule =
  `!self.contains('-') || [${start}].all(s, [${end}].all(e, ${notAPairOfIps} || ip(s).family() != ip(e).family() || ip(s) == ip(e)` +
  ` || ${searchFirstDifference(8, '0', '(ip(s).family() == 4 ? 33 : 129)')}))`;
