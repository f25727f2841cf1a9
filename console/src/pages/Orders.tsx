import { useQuery } from '@tanstack/react-query';
import { useState, type SyntheticEvent } from 'react';
import { api, ApiProblem, query } from '../api';
import { Field } from '../components/Field';
import { describe, Loading, ProblemNote, Status, when } from '../components/Feedback';
import { href, navigate } from '../router';
import { Pager } from '../components/Pager';
import { Table } from '../components/Table';

interface OrderSummary {
  readonly orderId: string;
  readonly status: string;
  readonly customerId: string;
  readonly totalAmount: number;
  readonly placedAt: string;
}

const statuses = ['pending', 'confirmed', 'completed', 'rejected', 'cancelled'];
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Orders newest first, by customer and status, a page at a time; or straight to one by its id. */
export function Orders({ params }: { params: URLSearchParams }) {
  const status = params.get('status') ?? '';
  const customerId = params.get('customerId') ?? '';
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1);
  const page = useQuery({
    queryKey: ['orders', status, customerId, cursor],
    queryFn: () =>
      api<{ orders: OrderSummary[]; nextCursor: string | null }>(
        `/orders${query({ status, customerId, cursor, limit: 20 })}`,
      ),
  });
  const [search, setSearch] = useState(customerId);
  const [searchError, setSearchError] = useState<string>();

  const onSearch = (event: SyntheticEvent) => {
    event.preventDefault();
    const text = search.trim();
    if (text && !uuid.test(text)) {
      setSearchError('An order id or a customer id is a uuid');
      return;
    }
    setSearchError(undefined);
    setCursors([]);
    if (!text) {
      navigate(`${href('orders')}${query({ status })}`);
      return;
    }
    // An id is an order's or a customer's: try it as an order first.
    void api(`/orders/${text}`).then(
      () => {
        navigate(href('orders', text));
      },
      (error: unknown) => {
        if (error instanceof ApiProblem && error.status === 404)
          navigate(`${href('orders')}${query({ status, customerId: text })}`);
        else setSearchError(describe(error));
      },
    );
  };

  const customerProblem = page.error instanceof ApiProblem ? page.error.about('/customerId') : undefined;
  return (
    <section aria-labelledby="orders-title">
      <h1 id="orders-title">Orders</h1>
      <form role="search" onSubmit={onSearch} className="toolbar">
        <Field
          label="Order id or customer id"
          name="search"
          value={search}
          onChange={(event) => {
            setSearch(event.target.value);
          }}
          error={searchError ?? customerProblem}
        />
        <label>
          Status
          <select
            value={status}
            onChange={(event) => {
              setCursors([]);
              navigate(`${href('orders')}${query({ status: event.target.value, customerId })}`);
            }}
          >
            <option value="">any</option>
            {statuses.map((value) => (
              <option key={value}>{value}</option>
            ))}
          </select>
        </label>
        <button type="submit">Search</button>
      </form>
      {page.isPending && <Loading what="orders" />}
      <ProblemNote error={page.error} shownFields={['/customerId']} />
      {page.data && (
        <>
          <Table
            columns={['Order', 'Status', 'Customer', 'Total', 'Placed']}
            caption={
              <>
                {page.data.orders.length} orders{customerId ? ` of customer ${customerId}` : ''}
                {status ? `, ${status}` : ''}
              </>
            }
          >
            {page.data.orders.map((order) => (
              <tr key={order.orderId}>
                <td>
                  <a href={href('orders', order.orderId)}>
                    <code>{order.orderId}</code>
                  </a>
                </td>
                <td>
                  <Status value={order.status} />
                </td>
                <td>
                  <a href={`${href('orders')}${query({ customerId: order.customerId })}`}>
                    <code>{order.customerId.slice(0, 8)}</code>
                  </a>
                </td>
                <td>{order.totalAmount.toFixed(2)}</td>
                <td>{when(order.placedAt)}</td>
              </tr>
            ))}
          </Table>
          <Pager
            cursors={cursors}
            next={page.data.nextCursor}
            onChange={setCursors}
            labels={{ back: 'Newer', forward: 'Older' }}
          />
        </>
      )}
    </section>
  );
}
