// What the fake's routes share: Stripe objects, requests and replies, the state, decoded forms.
import { randomBytes } from 'node:crypto';

export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type FormObject = { [key: string]: FormValue };

/** A Stripe API object as the fake keeps it (a plain JSON object with `id` and `object`). */
export type StripeObject = Record<string, unknown> & { id: string; object: string };

export interface StripeRequest {
  readonly method: string;
  readonly path: string;
  /** Values of the route pattern's `:name` segments. */
  readonly params: Readonly<Record<string, string>>;
  readonly body: FormObject;
  readonly idempotencyKey: string | undefined;
}

export interface StripeReply {
  readonly status: number;
  readonly body: unknown;
}

export interface StripeRoute {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** Such as `/v1/subscriptions/:id`. */
  readonly path: string;
  handle(request: StripeRequest, stripe: FakeStripeState): StripeReply;
}

/** What the routes share: stored objects, ids, the time, and error replies shaped as Stripe's. */
export class FakeStripeState {
  readonly objects = new Map<string, StripeObject>();
  #sequence = 0;
  /** Unix seconds; tests may move it. */
  now: () => number = () => Math.floor(Date.now() / 1000);

  newId(prefix: string): string {
    this.#sequence += 1;
    return `${prefix}_fake${String(this.#sequence).padStart(6, '0')}${randomBytes(4).toString('hex')}`;
  }

  store<T extends StripeObject>(object: T): T {
    this.objects.set(object.id, object);
    return object;
  }

  find(id: string, object: string): StripeObject | undefined {
    const found = this.objects.get(id);
    return found?.object === object ? found : undefined;
  }

  ok(body: unknown): StripeReply {
    return { status: 200, body };
  }

  /** `invalid_request_error` (400), or `resource_missing` (404) for an unknown id. */
  invalid(message: string, options: { status?: 400 | 404; code?: string; param?: string } = {}): StripeReply {
    const status = options.status ?? 400;
    const code = options.code ?? (status === 404 ? 'resource_missing' : 'parameter_invalid');
    return {
      status,
      body: {
        error: {
          type: 'invalid_request_error',
          code,
          message,
          ...(options.param ? { param: options.param } : {}),
        },
      },
    };
  }

  cardDeclined(message = 'Your card was declined.'): StripeReply {
    return {
      status: 402,
      body: {
        error: { type: 'card_error', code: 'card_declined', decline_code: 'generic_decline', message },
      },
    };
  }
}

/** Payment methods with a fixed outcome, as Stripe's test payment methods have. */
export const declinedPaymentMethod = 'pm_card_chargeDeclined';

/** `a[b][0][c]=x&a[b][1][c]=y` → `{ a: { b: [{ c: 'x' }, { c: 'y' }] } }`, as Stripe reads its forms. */
export function decodeForm(encoded: string): FormObject {
  const root: FormObject = {};
  for (const [key, value] of new URLSearchParams(encoded)) {
    const [head = key, ...rest] = key.split('[').map((part) => part.replace(/]$/, ''));
    let node: FormObject = root;
    const path = [head, ...rest];
    for (const [index, part] of path.entries()) {
      if (index === path.length - 1) {
        node[part] = value;
      } else {
        const next = node[part];
        node = typeof next === 'object' && !Array.isArray(next) ? next : (node[part] = {});
      }
    }
  }
  return arraysOf(root) as FormObject;
}

/** Objects whose keys are 0, 1, 2… become arrays. */
function arraysOf(value: FormValue): FormValue {
  if (typeof value === 'string' || Array.isArray(value)) return value;
  const entries = Object.entries(value).map(([key, item]) => [key, arraysOf(item)] as const);
  const indexed = entries.length > 0 && entries.every(([key], index) => key === String(index));
  return indexed ? entries.map(([, item]) => item) : Object.fromEntries(entries);
}

export function field(value: FormValue | undefined, ...path: string[]): FormValue | undefined {
  let node = value;
  for (const part of path) {
    if (node === undefined || typeof node === 'string') return undefined;
    node = Array.isArray(node) ? node[Number(part)] : node[part];
  }
  return node;
}

export const text = (value: FormValue | undefined) => (typeof value === 'string' ? value : undefined);
