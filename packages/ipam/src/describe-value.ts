/** Text for a value of unknown type in an error message; never throws (no toString calls on objects). */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value.length > 64 ? `${value.slice(0, 64)}...` : value;
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'undefined':
      return String(value);
    default:
      return value === null ? 'null' : Array.isArray(value) ? 'a list' : `a value of type ${typeof value}`;
  }
}
