/**
 * Readers for fields of objects that arrive from the API (or from a test) with possibly wrong
 * types. Each reader returns a usable value and reports what it had to drop, so validation never
 * throws on malformed input. The CRD schema makes most of these impossible on a real cluster; an
 * older CRD or a hand-made object can still produce them.
 */
import type { LabelSelector, LabelSelectorRequirement } from '@baremetal-lb/ipam';

/** Called with the JSON path of a bad field and what is wrong with it. */
export type ReportProblem = (field: string, message: string) => void;

const operators: ReadonlySet<string> = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

export function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The `spec` of an object as a record; empty when absent or malformed. */
export function specOf(object: unknown): Readonly<Record<string, unknown>> {
  const spec = isRecord(object) ? object.spec : undefined;
  return isRecord(spec) ? spec : {};
}

/** A list of strings; absent means empty. Non-string items are reported and dropped. */
export function readStringList(value: unknown, field: string, report: ReportProblem): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    report(field, `${field} must be a list of strings`);
    return [];
  }
  const strings: string[] = [];
  value.forEach((item: unknown, index) => {
    if (typeof item === 'string') strings.push(item);
    else report(`${field}[${index}]`, `${field}[${index}] must be a string`);
  });
  return strings;
}

export function readOptionalBoolean(
  value: unknown,
  field: string,
  report: ReportProblem,
): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  report(field, `${field} must be true or false`);
  return undefined;
}

/** A string, or undefined when absent; anything else is reported. */
export function readOptionalString(value: unknown, field: string, report: ReportProblem): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  report(field, `${field} must be a string`);
  return undefined;
}

/** An integer within [min, max], or undefined when absent; anything else is reported. */
export function readOptionalInteger(
  value: unknown,
  field: string,
  report: ReportProblem,
  range: { readonly min: number; readonly max: number },
): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= range.min && value <= range.max)
    return value;
  report(
    field,
    `${field} ${JSON.stringify(value) ?? String(value)} is not an integer from ${range.min} to ${range.max}`,
  );
  return undefined;
}

function readRequirement(
  value: unknown,
  field: string,
  report: ReportProblem,
): LabelSelectorRequirement | undefined {
  if (!isRecord(value)) {
    report(field, `${field} must be an object with key and operator`);
    return undefined;
  }
  const { key, operator } = value;
  if (typeof key !== 'string' || key === '') {
    report(`${field}.key`, `${field}.key must be a non-empty string`);
    return undefined;
  }
  if (typeof operator !== 'string' || !operators.has(operator)) {
    report(
      `${field}.operator`,
      `${field}.operator "${String(operator)}" is not In, NotIn, Exists or DoesNotExist`,
    );
    return undefined;
  }
  const values = readStringList(value.values, `${field}.values`, report);
  const needsValues = operator === 'In' || operator === 'NotIn';
  if (needsValues !== values.length > 0) {
    report(
      `${field}.values`,
      `label requirement on "${key}": operator ${operator} ${needsValues ? 'needs at least one value' : 'takes no values'}`,
    );
    return undefined;
  }
  return {
    key,
    operator: operator as LabelSelectorRequirement['operator'],
    ...(values.length > 0 ? { values } : {}),
  };
}

/** One label selector; undefined (after a report) when any part of it is malformed. */
export function readSelector(
  value: unknown,
  field: string,
  report: ReportProblem,
): LabelSelector | undefined {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) {
    report(field, `${field} must be a label selector object`);
    return undefined;
  }
  let valid = true;
  const fail: ReportProblem = (path, message) => {
    valid = false;
    report(path, message);
  };
  let matchLabels: Record<string, string> | undefined;
  if (value.matchLabels !== undefined && value.matchLabels !== null) {
    if (!isRecord(value.matchLabels))
      fail(`${field}.matchLabels`, `${field}.matchLabels must map strings to strings`);
    else {
      matchLabels = {};
      for (const [key, labelValue] of Object.entries(value.matchLabels)) {
        if (typeof labelValue === 'string') matchLabels[key] = labelValue;
        else fail(`${field}.matchLabels.${key}`, `${field}.matchLabels.${key} must be a string`);
      }
    }
  }
  const matchExpressions: LabelSelectorRequirement[] = [];
  if (value.matchExpressions !== undefined && value.matchExpressions !== null) {
    if (!Array.isArray(value.matchExpressions)) {
      fail(`${field}.matchExpressions`, `${field}.matchExpressions must be a list`);
    } else {
      value.matchExpressions.forEach((item: unknown, index) => {
        const requirement = readRequirement(item, `${field}.matchExpressions[${index}]`, fail);
        if (requirement) matchExpressions.push(requirement);
      });
    }
  }
  // A malformed selector is dropped whole: matching with the remainder would widen it.
  if (!valid) return undefined;
  return {
    ...(matchLabels === undefined ? {} : { matchLabels }),
    ...(matchExpressions.length > 0 ? { matchExpressions } : {}),
  };
}

/** A list of selectors; `valid` is false when any of them was malformed. */
export function readSelectorList(
  value: unknown,
  field: string,
  report: ReportProblem,
): { readonly selectors: LabelSelector[]; readonly valid: boolean } {
  if (value === undefined || value === null) return { selectors: [], valid: true };
  if (!Array.isArray(value)) {
    report(field, `${field} must be a list of label selectors`);
    return { selectors: [], valid: false };
  }
  const selectors: LabelSelector[] = [];
  let valid = true;
  value.forEach((item: unknown, index) => {
    const selector = readSelector(item, `${field}[${index}]`, report);
    if (selector === undefined) valid = false;
    else selectors.push(selector);
  });
  return { selectors, valid };
}
