import type { Clock } from '../../../platform/kernel/clock.js';
import type {
  CancelRequest,
  ProviderCancellation,
  ProviderSubscription,
  StartRequest,
  SubscriptionProvider,
} from '../application/provider.js';
import { ProviderRefusal } from '../application/provider.js';
import type { BillingInterval, Plan } from '../domain/index.js';

/** The plans the sandbox sells. */
export const sandboxPlans: Readonly<Record<string, Omit<Plan, 'planId'>>> = {
  plan_basic_monthly: { name: 'Basic', amount: 9.99, currency: 'USD', interval: 'month' },
  plan_pro_monthly: { name: 'Pro', amount: 29, currency: 'USD', interval: 'month' },
  plan_pro_yearly: { name: 'Pro (yearly)', amount: 290, currency: 'USD', interval: 'year' },
};

type Behaviour = 'standard' | 'flaky' | 'cancel_refused' | 'cancel_unavailable';

const FLAKY_FAILURES = 2;

/** A transient failure, as a network error or a 5xx of a real provider would be. */
export class SandboxUnavailable extends Error {
  override readonly name = 'SandboxUnavailable';
}

/**
 * The default provider: deterministic, in-process, no network. It honours idempotency keys as a
 * real provider does (the same key returns the first result) and counts what it actually did.
 *
 * Test payment methods decide what happens; any other payment method just works:
 * - `pm_sandbox_declined`: the start is refused (card declined);
 * - `pm_sandbox_unavailable`: the start fails transiently, every time;
 * - `pm_sandbox_flaky`: every call fails transiently twice per idempotency key, then goes through;
 * - `pm_sandbox_cancel_refused`: starts; its cancellation is refused;
 * - `pm_sandbox_cancel_unavailable`: starts; its cancellation fails transiently, every time.
 * The behaviour is carried in the provider's subscription id, so a subscription started before a
 * restart is cancelled the same way after it.
 */
export class SandboxProvider implements SubscriptionProvider {
  readonly name = 'sandbox';
  /** Subscriptions started and cancelled, once per idempotency key. */
  readonly performed = { starts: 0, cancellations: 0 };
  readonly #clock: Clock;
  readonly #started = new Map<string, ProviderSubscription>();
  readonly #cancelled = new Map<string, ProviderCancellation>();
  readonly #failures = new Map<string, number>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  start(request: StartRequest, idempotencyKey: string): Promise<ProviderSubscription> {
    return once(this.#started, idempotencyKey, () => {
      const method = request.paymentMethod;
      if (method === 'pm_sandbox_declined') throw new ProviderRefusal('Your card was declined.');
      if (method === 'pm_sandbox_unavailable') throw new SandboxUnavailable('The sandbox is unavailable');
      if (method === 'pm_sandbox_flaky') this.#failFirstAttempts(idempotencyKey);
      const plan = sandboxPlans[request.planId];
      if (!plan) throw new ProviderRefusal(`No such plan: ${request.planId}`);
      const start = this.#clock.now();
      this.performed.starts += 1;
      return {
        providerSubscriptionId: `sub_sandbox_${behaviourOf(method)}_${request.subscriptionId}`,
        plan: { planId: request.planId, ...plan },
        currentPeriodStart: start.toISOString(),
        currentPeriodEnd: addInterval(start, plan.interval).toISOString(),
      };
    });
  }

  cancel(request: CancelRequest, idempotencyKey: string): Promise<ProviderCancellation> {
    return once(this.#cancelled, idempotencyKey, () => {
      const behaviour = /^sub_sandbox_([a-z_]+)_[0-9a-f-]{36}$/.exec(request.providerSubscriptionId)?.[1];
      if (behaviour === undefined)
        throw new ProviderRefusal(`No such subscription: ${request.providerSubscriptionId}`);
      if (behaviour === 'cancel_refused') throw new ProviderRefusal('This subscription cannot be cancelled');
      if (behaviour === 'cancel_unavailable') throw new SandboxUnavailable('The sandbox is unavailable');
      if (behaviour === 'flaky') this.#failFirstAttempts(idempotencyKey);
      this.performed.cancellations += 1;
      const endsAt =
        request.mode === 'immediately' ? this.#clock.now().toISOString() : request.currentPeriodEnd;
      return { endsAt };
    });
  }

  #failFirstAttempts(key: string): void {
    const failures = this.#failures.get(key) ?? 0;
    if (failures >= FLAKY_FAILURES) return;
    this.#failures.set(key, failures + 1);
    throw new SandboxUnavailable(`The sandbox is unavailable (attempt ${failures + 1})`);
  }
}

/** The first result under the key, as a provider answers a retried request. */
async function once<T>(results: Map<string, T>, key: string, act: () => T): Promise<T> {
  const previous = results.get(key);
  if (previous !== undefined) return previous;
  const result = act();
  results.set(key, result);
  return result;
}

function behaviourOf(paymentMethod: string): Behaviour {
  switch (paymentMethod) {
    case 'pm_sandbox_flaky':
      return 'flaky';
    case 'pm_sandbox_cancel_refused':
      return 'cancel_refused';
    case 'pm_sandbox_cancel_unavailable':
      return 'cancel_unavailable';
    default:
      return 'standard';
  }
}

/** The same day of the next period, or the period's last day when it is shorter (31 Jan + 1 month = 28/29 Feb). */
export function addInterval(from: Date, interval: BillingInterval): Date {
  const next = new Date(from);
  switch (interval) {
    case 'day':
      next.setUTCDate(next.getUTCDate() + 1);
      return next;
    case 'week':
      next.setUTCDate(next.getUTCDate() + 7);
      return next;
    case 'month':
    case 'year': {
      const months = interval === 'month' ? 1 : 12;
      next.setUTCDate(1);
      next.setUTCMonth(next.getUTCMonth() + months);
      const lastDay = new Date(Date.UTC(next.getUTCFullYear(), next.getUTCMonth() + 1, 0)).getUTCDate();
      next.setUTCDate(Math.min(from.getUTCDate(), lastDay));
      return next;
    }
  }
}
