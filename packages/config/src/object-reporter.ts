import {
  type ConfigProblem,
  type ConfigProblemCode,
  type ObjectRef,
  problemCodeForField,
} from './config-problem.ts';
import type { MetallbKind } from './metallb-resources.ts';
import type { ReportProblem } from './read-fields.ts';

export type ObjectReporter = {
  /** Records a problem of this object; messages are prefixed with `kind "name": `. */
  readonly problem: (
    severity: 'error' | 'warning',
    code: ConfigProblemCode,
    field: string,
    message: string,
    related?: ObjectRef,
  ) => void;
  /** For the field readers: a malformed field is an error. */
  readonly report: ReportProblem;
  /** True once any error was recorded: the object is left out. */
  readonly broken: () => boolean;
};

export function objectReporter(
  kind: MetallbKind,
  name: string,
  problems: ConfigProblem[],
  label: string = kind,
): ObjectReporter {
  let broken = false;
  const problem: ObjectReporter['problem'] = (severity, code, field, message, related) => {
    if (severity === 'error') broken = true;
    problems.push({
      severity,
      code,
      object: { kind, name },
      field,
      message: `${label} "${name}": ${message}`,
      ...(related === undefined ? {} : { related }),
    });
  };
  return {
    problem,
    report: (field, message) => problem('error', problemCodeForField(field), field, message),
    broken: () => broken,
  };
}
