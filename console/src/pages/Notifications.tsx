import { useQuery } from '@tanstack/react-query';
import { useState, type SyntheticEvent } from 'react';
import { api, ApiProblem, query } from '../api';
import { Field } from '../components/Field';
import { Loading, ProblemNote, Status, when } from '../components/Feedback';
import { href, navigate } from '../router';
import type { NotificationView } from './order-types';

/** Notifications by recipient or order; one of them as the customer received it. */
export function Notifications({ params }: { params: URLSearchParams }) {
  const recipient = params.get('recipient') ?? '';
  const [search, setSearch] = useState(recipient);
  const list = useQuery({
    queryKey: ['notifications', 'recipient', recipient],
    queryFn: () => api<{ notifications: NotificationView[] }>(`/notifications${query({ recipient })}`),
    enabled: recipient !== '',
  });
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    navigate(`${href('notifications')}${query({ recipient: search.trim() })}`);
  };
  return (
    <section aria-labelledby="notifications-title">
      <h1 id="notifications-title">Notifications</h1>
      <form role="search" className="toolbar" onSubmit={submit}>
        <Field
          label="Recipient email"
          name="recipient"
          type="email"
          value={search}
          onChange={(event) => {
            setSearch(event.target.value);
          }}
          error={list.error instanceof ApiProblem ? list.error.about('/recipient') : undefined}
        />
        <button type="submit">Search</button>
      </form>
      {list.isFetching && <Loading what="notifications" />}
      <ProblemNote error={list.error} shownFields={['/recipient']} />
      {list.data && (
        <ul>
          {list.data.notifications.map((notification) => (
            <li key={notification.notificationId}>
              <a href={href('notifications', notification.notificationId)}>{notification.content.subject}</a>{' '}
              — {notification.type}, <Status value={notification.status} /> {when(notification.createdAt)}
            </li>
          ))}
          {list.data.notifications.length === 0 && <li>None.</li>}
        </ul>
      )}
    </section>
  );
}

export function NotificationPage({ notificationId }: { notificationId: string }) {
  const notification = useQuery({
    queryKey: ['notification', notificationId],
    queryFn: () => api<NotificationView>(`/notifications/${notificationId}`),
  });
  if (notification.isPending) return <Loading what="the notification" />;
  if (notification.isError) return <ProblemNote error={notification.error} />;
  const view = notification.data;
  return (
    <section aria-labelledby="notification-title">
      <h1 id="notification-title">{view.content.subject}</h1>
      <p>
        {view.type} by {view.channel}: <Status value={view.status} /> after {view.attempts} attempts
        {view.lastError && `, last error: ${view.lastError}`}
        {view.orderId && (
          <>
            {' '}
            · <a href={href('orders', view.orderId)}>the order</a>
          </>
        )}
      </p>
      <article className="email" aria-label="The email as the customer saw it">
        <header>
          <dl>
            <dt>To</dt>
            <dd>{view.recipient}</dd>
            <dt>Subject</dt>
            <dd>{view.content.subject}</dd>
            <dt>Sent</dt>
            <dd>{when(view.sentAt)}</dd>
          </dl>
        </header>
        <div className="email-body">{view.content.text}</div>
      </article>
    </section>
  );
}
