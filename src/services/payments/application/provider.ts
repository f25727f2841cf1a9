import type { Cents, OperationKind } from '../domain/index.js';

/**
 * The port every payment provider implements (the sandbox, Stripe). Each money-moving call carries
 * an idempotency key that stays the same across retries, so a call the provider already acted on
 * is never acted on twice.
 */
export interface PaymentProvider {
  readonly name: string;
  /** Registers a charge with the provider without moving money; safe to repeat with the same key. */
  prepare(request: PrepareRequest): Promise<PrepareResult>;
  /** Authorizes (and, when asked, captures at once) the prepared charge with the customer's token. */
  authorize(request: AuthorizeRequest): Promise<ProviderResult>;
  capture(request: MoneyRequest): Promise<ProviderResult>;
  /** Lifts the hold of an authorized, uncaptured charge. */
  release(request: KeyedRequest): Promise<ProviderResult>;
  refund(request: MoneyRequest): Promise<ProviderResult>;
  /** What the provider knows of an operation whose answer never arrived. */
  lookup(request: LookupRequest): Promise<LookupResult>;
}

export interface KeyedRequest {
  /** The provider's reference for the charge. */
  readonly reference: string;
  /** Stable across every retry of the same operation. */
  readonly idempotencyKey: string;
}

export interface MoneyRequest extends KeyedRequest {
  readonly amount: Cents;
}

export interface PrepareRequest {
  readonly paymentId: string;
  readonly orderId: string;
  readonly chargeId: string;
  readonly amount: Cents;
  readonly currency: string;
  readonly capture: boolean;
  readonly idempotencyKey: string;
}

export interface AuthorizeRequest extends MoneyRequest {
  /** The customer's payment method token (never card data). */
  readonly token: string;
}

export interface LookupRequest {
  readonly kind: OperationKind;
  /** Undefined when the charge was never registered: then nothing can have happened. */
  readonly reference: string | undefined;
  readonly idempotencyKey: string;
}

export interface Refused {
  readonly outcome: 'refused';
  readonly code: string;
  readonly message: string;
}

/** A definite answer: the provider did it, or refused it for good. */
export type ProviderResult =
  { readonly outcome: 'succeeded'; readonly reference: string; readonly summary: string } | Refused;

export type PrepareResult = { readonly outcome: 'prepared'; readonly reference: string } | Refused;

export type LookupResult =
  | ProviderResult
  /** The provider never acted on the operation: calling again is safe. */
  | { readonly outcome: 'not_found' }
  /** The provider is still working on it: ask again later. */
  | { readonly outcome: 'processing' };

/** A call that brought no answer, with the provider's or the transport's code for why. */
abstract class ProviderCallFailure extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/** The provider certainly did nothing (busy, unreachable before the request left): safe to call again. */
export class ProviderUnavailable extends ProviderCallFailure {
  override readonly name = 'ProviderUnavailable';
}

/** No answer arrived (a timeout, a broken connection): the provider may have acted. Ask before calling again. */
export class ProviderOutcomeUnknown extends ProviderCallFailure {
  override readonly name = 'ProviderOutcomeUnknown';
}
