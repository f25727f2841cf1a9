/** Where two JSON documents differ, as JSON pointers, e.g. `changed /paths/~1orders/get/summary`. */
export interface JsonChange {
  readonly kind: 'added' | 'removed' | 'changed';
  readonly pointer: string;
}

const escape = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1');
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

/** The changes that turn `before` into `after`, the deepest differing point of each. */
export function jsonChanges(before: unknown, after: unknown, pointer = ''): JsonChange[] {
  if (!isObject(before) || !isObject(after) || Array.isArray(before) !== Array.isArray(after)) {
    return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ kind: 'changed', pointer }];
  }
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return keys.flatMap((key): JsonChange[] => {
    const at = `${pointer}/${escape(key)}`;
    if (!(key in after)) return [{ kind: 'removed', pointer: at }];
    if (!(key in before)) return [{ kind: 'added', pointer: at }];
    return jsonChanges(before[key], after[key], at);
  });
}
