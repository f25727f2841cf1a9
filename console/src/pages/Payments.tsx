import { useQuery } from '@tanstack/react-query';
import { useState, type SyntheticEvent } from 'react';
import { api, ApiProblem } from '../api';
import { Field } from '../components/Field';
import { Loading, ProblemNote } from '../components/Feedback';
import { href, navigate } from '../router';
import type { PaymentView } from './order-types';
import { PaymentDetails } from './PaymentDetails';

/** The payment of an order, with its charges and every provider call. */
export function Payments({ params }: { params: URLSearchParams }) {
  const orderId = params.get('orderId') ?? '';
  const [search, setSearch] = useState(orderId);
  const payments = useQuery({
    queryKey: ['payments', orderId],
    queryFn: () => api<{ payments: PaymentView[] }>(`/payments?orderId=${encodeURIComponent(orderId)}`),
    enabled: orderId !== '',
  });
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    navigate(`${href('payments')}?orderId=${encodeURIComponent(search.trim())}`);
  };
  return (
    <section aria-labelledby="payments-title">
      <h1 id="payments-title">Payments</h1>
      <form role="search" className="toolbar" onSubmit={submit}>
        <Field
          label="Order id"
          name="orderId"
          value={search}
          onChange={(event) => {
            setSearch(event.target.value);
          }}
          error={payments.error instanceof ApiProblem ? payments.error.about('/orderId') : undefined}
        />
        <button type="submit">Show payment</button>
      </form>
      {payments.isFetching && <Loading what="payments" />}
      <ProblemNote error={payments.error} shownFields={['/orderId']} />
      {payments.data?.payments.length === 0 && <p>No payment for this order.</p>}
      {payments.data?.payments.map((payment) => (
        <PaymentDetails key={payment.paymentId} payment={payment} />
      ))}
      {orderId && (
        <p>
          <a href={href('orders', orderId)}>The order</a>
        </p>
      )}
    </section>
  );
}
