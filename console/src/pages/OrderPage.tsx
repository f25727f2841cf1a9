import { useQuery } from '@tanstack/react-query';
import { api } from '../api';
import { Loading, ProblemNote, Status, when } from '../components/Feedback';
import { Mermaid } from '../components/Mermaid';
import { href } from '../router';
import { OrderActions } from './OrderActions';
import { PaymentDetails } from './PaymentDetails';
import {
  isSettled,
  type NotificationView,
  type OrderDiagrams,
  type OrderView,
  type PaymentView,
} from './order-types';
import { Table } from '../components/Table';

/** While an order still moves, its page asks again every second; a settled order is left alone. */
const followWhileMoving = (order: OrderView | undefined) => (order && isSettled(order) ? false : 1000);

export function OrderPage({ orderId }: { orderId: string }) {
  const order = useQuery({
    queryKey: ['order', orderId],
    queryFn: () => api<OrderView>(`/orders/${orderId}`),
    refetchInterval: (current) => followWhileMoving(current.state.data),
  });
  const moving = order.data ? !isSettled(order.data) : true;
  const diagrams = useQuery({
    queryKey: [
      'order',
      orderId,
      'diagram',
      order.data?.timeline.length,
      order.data?.flowConformance?.checkedAt,
    ],
    queryFn: () => api<OrderDiagrams>(`/orders/${orderId}/diagram`),
    enabled: order.isSuccess,
  });
  const payments = useQuery({
    queryKey: ['payments', orderId],
    queryFn: () => api<{ payments: PaymentView[] }>(`/payments?orderId=${orderId}`),
    refetchInterval: moving ? 1000 : false,
  });
  const notifications = useQuery({
    queryKey: ['notifications', 'order', orderId],
    queryFn: () => api<{ notifications: NotificationView[] }>(`/notifications?orderId=${orderId}`),
    refetchInterval: moving ? 1000 : false,
  });

  if (order.isPending) return <Loading what="the order" />;
  if (order.isError) return <ProblemNote error={order.error} />;
  const view = order.data;
  const causeOf = (causationId: string | null) =>
    view.timeline.find((entry) => entry.messageId === causationId)?.type ?? 'a request';

  return (
    <section aria-labelledby="order-title">
      <h1 id="order-title">
        Order <code>{view.orderId}</code> <Status value={view.status} />
      </h1>
      <p>
        {view.customer.name} &lt;{view.customer.email}&gt; —{' '}
        <a href={`${href('orders')}?customerId=${view.customer.customerId}`}>their orders</a> · placed{' '}
        {when(view.placedAt)} · total {view.totalAmount.toFixed(2)}
        {view.amendmentPending && ' · an amendment waits for inventory'}
        {view.rejection && ` · rejected: ${view.rejection.reason}`}
        {view.cancellation &&
          ` · cancelled ${when(view.cancellation.at)}${view.cancellation.reason ? `: ${view.cancellation.reason}` : ''}`}
      </p>

      <OrderActions order={view} />

      <h2>Items</h2>
      <Table columns={['Item', 'Product', 'Quantity', 'Price', 'Total']}>
        {view.items.map((item) => (
          <tr key={item.itemId}>
            <td>{item.name}</td>
            <td>
              <a href={`${href('inventory')}?productId=${item.itemId}`}>
                <code>{item.itemId.slice(0, 8)}</code>
              </a>
            </td>
            <td>{item.quantity}</td>
            <td>{item.price.toFixed(2)}</td>
            <td>{item.total.toFixed(2)}</td>
          </tr>
        ))}
      </Table>

      <h2>Payment</h2>
      {payments.data?.payments.length === 0 && <p>No payment yet.</p>}
      <ProblemNote error={payments.error} />
      {payments.data?.payments.map((payment) => (
        <PaymentDetails key={payment.paymentId} payment={payment} />
      ))}

      <h2>Notifications</h2>
      <ProblemNote error={notifications.error} />
      <ul>
        {notifications.data?.notifications.map((notification) => (
          <li key={notification.notificationId}>
            <a href={href('notifications', notification.notificationId)}>{notification.content.subject}</a> —{' '}
            {notification.type}, <Status value={notification.status} />
          </li>
        ))}
      </ul>

      <h2>Timeline</h2>
      <Table columns={['At', 'Message', 'By', 'Caused by']}>
        {view.timeline.map((entry) => (
          <tr key={entry.messageId}>
            <td>{when(entry.time)}</td>
            <td>
              {entry.type} <small>v{entry.version}</small>
            </td>
            <td>{entry.source.split('/').at(-1)}</td>
            <td>{causeOf(entry.causationId)}</td>
          </tr>
        ))}
      </Table>

      <h2>Observed path and documented flows</h2>
      <FlowSummary order={view} />
      <ProblemNote error={diagrams.error} />
      {diagrams.data && (
        <div className="diagrams">
          <Mermaid source={diagrams.data.observed} title="What happened to this order" />
          {diagrams.data.documented.map((flow) => (
            <Mermaid
              key={flow.flow}
              source={flow.diagram}
              title={`Documented: ${flow.flow} v${flow.version}`}
            />
          ))}
        </div>
      )}
    </section>
  );
}

function FlowSummary({ order }: { order: OrderView }) {
  const conformance = order.flowConformance;
  if (!conformance || conformance.conforms === null) return <p>Not checked against its flows yet.</p>;
  if (conformance.conforms) return <p className="conforms">The path conforms to its documented flows.</p>;
  return (
    <div className="departures" role="note">
      <p>
        <strong>The path departs from its documented flows:</strong>
      </p>
      <ul>
        {conformance.departures.map((departure, index) => (
          <li key={index}>
            <mark>{departure.kind}</mark> {departure.flow ?? 'no flow'}: {departure.detail}
          </li>
        ))}
      </ul>
    </div>
  );
}
