import { useQuery } from '@tanstack/react-query';
import { useState, type SyntheticEvent } from 'react';
import { api, ApiProblem, query } from '../api';
import { ConfirmButton } from '../components/ConfirmButton';
import { Field } from '../components/Field';
import { Loading, ProblemNote, Status, when } from '../components/Feedback';
import { useCommand } from '../components/useCommand';
import { href, navigate } from '../router';

interface SubscriptionView {
  readonly subscriptionId: string;
  readonly userId: string;
  readonly customer: { name: string; email: string };
  readonly status: string;
  readonly planId: string;
  readonly plan: { name: string; amount: number; currency: string; interval: string } | null;
  readonly currentPeriodEnd: string | null;
  readonly renewsAt: string | null;
  readonly cancellation: { endsAt: string | null } | null;
}

/** A user's subscriptions, and cancelling one on their behalf. */
export function Subscriptions({ params }: { params: URLSearchParams }) {
  const userId = params.get('userId') ?? '';
  const [search, setSearch] = useState(userId);
  const list = useQuery({
    queryKey: ['subscriptions', userId],
    queryFn: () =>
      api<{ subscriptions: SubscriptionView[] }>(`/subscriptions${query({ userId, limit: 50 })}`),
    enabled: userId !== '',
  });
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    navigate(`${href('subscriptions')}${query({ userId: search.trim() })}`);
  };
  return (
    <section aria-labelledby="subscriptions-title">
      <h1 id="subscriptions-title">Subscriptions</h1>
      <form role="search" className="toolbar" onSubmit={submit}>
        <Field
          label="User id"
          name="userId"
          value={search}
          onChange={(event) => {
            setSearch(event.target.value);
          }}
          error={list.error instanceof ApiProblem ? list.error.about('/userId') : undefined}
        />
        <button type="submit">Search</button>
      </form>
      {list.isFetching && <Loading what="subscriptions" />}
      <ProblemNote error={list.error} shownFields={['/userId']} />
      {list.data?.subscriptions.length === 0 && <p>This user has no subscription.</p>}
      {list.data?.subscriptions.map((subscription) => (
        <SubscriptionCard key={subscription.subscriptionId} subscription={subscription} />
      ))}
    </section>
  );
}

function SubscriptionCard({ subscription }: { subscription: SubscriptionView }) {
  const [mode, setMode] = useState('end_of_period');
  const cancel = useCommand<{ userId: string; mode: string }>(
    `/subscriptions/${subscription.subscriptionId}/cancel`,
    ['subscriptions'],
  );
  const cancellable = subscription.status === 'active' || subscription.status === 'pending';
  return (
    <article aria-label={`Subscription ${subscription.subscriptionId}`}>
      <header>
        {subscription.plan?.name ?? subscription.planId} for {subscription.customer.name}{' '}
        <Status value={subscription.status} />
      </header>
      <p>
        {subscription.plan &&
          `${subscription.plan.amount.toFixed(2)} ${subscription.plan.currency} per ${subscription.plan.interval}`}
        {subscription.renewsAt && ` · renews ${when(subscription.renewsAt)}`}
        {subscription.cancellation?.endsAt && ` · access ends ${when(subscription.cancellation.endsAt)}`}
      </p>
      {cancellable && (
        <div className="toolbar">
          <label>
            When
            <select
              value={mode}
              onChange={(event) => {
                setMode(event.target.value);
              }}
            >
              <option value="end_of_period">at the end of the paid period</option>
              <option value="immediately">immediately</option>
            </select>
          </label>
          <ConfirmButton
            label="Cancel subscription"
            question={`Cancel this subscription ${mode === 'immediately' ? 'now, ending access at once' : 'at the end of the paid period'}, on the customer's behalf?`}
            confirmLabel="Cancel the subscription"
            danger
            disabled={cancel.isPending}
            onConfirm={() => {
              cancel.mutate({ userId: subscription.userId, mode });
            }}
          />
        </div>
      )}
      <ProblemNote error={cancel.error} />
      {cancel.isSuccess && <p role="status">Cancellation sent to the provider.</p>}
    </article>
  );
}
