import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type SyntheticEvent } from 'react';
import { api, ApiProblem } from '../api';
import { ConfirmButton } from '../components/ConfirmButton';
import { Field } from '../components/Field';
import { ProblemNote } from '../components/Feedback';
import type { OrderView } from './order-types';

/** Cancel or amend an order on a customer's behalf, each after a confirmation. */
export function OrderActions({ order }: { order: OrderView }) {
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries({ queryKey: ['order', order.orderId] });
  const [reason, setReason] = useState('');
  const cancel = useMutation({
    mutationFn: () =>
      api(`/orders/${order.orderId}/cancel`, { method: 'POST', body: reason ? { reason } : {} }),
    onSettled: refresh,
  });
  const [quantities, setQuantities] = useState(() => order.items.map((item) => String(item.quantity)));
  const amend = useMutation({
    mutationFn: () =>
      api(`/orders/${order.orderId}/amendments`, {
        method: 'POST',
        body: {
          items: order.items.map((item, index) => ({
            itemId: item.itemId,
            // Sent as typed: the API judges it and says what is wrong beside the field.
            quantity: Number(quantities[index]),
          })),
        },
      }),
    onSettled: refresh,
  });
  const amendDialog = useRef<HTMLDialogElement>(null);
  const cancellable = order.status !== 'cancelled' && order.status !== 'rejected';
  const amendable = order.status === 'completed' && !order.amendmentPending;
  const cancelProblem = cancel.error instanceof ApiProblem ? cancel.error : undefined;
  const amendProblem = amend.error instanceof ApiProblem ? amend.error : undefined;

  const askToAmend = (event: SyntheticEvent) => {
    event.preventDefault();
    amendDialog.current?.showModal();
  };

  return (
    <details className="actions" open={cancellable}>
      <summary>Cancel or amend</summary>
      <div className="grid">
        <form
          aria-label="Cancel the order"
          onSubmit={(event) => {
            event.preventDefault();
          }}
        >
          <Field
            label="Reason for cancelling"
            name="reason"
            value={reason}
            onChange={(event) => {
              setReason(event.target.value);
            }}
            error={cancelProblem?.about('/reason')}
          />
          <ConfirmButton
            label="Cancel order"
            question="Cancel this order? Its stock goes back and any payment is refunded."
            confirmLabel="Cancel the order"
            danger
            disabled={!cancellable || cancel.isPending}
            onConfirm={() => {
              cancel.mutate();
            }}
          />
          <ProblemNote error={cancel.error} shownFields={['/reason']} />
          {cancel.isSuccess && <p role="status">Cancellation sent.</p>}
        </form>
        <form aria-label="Amend the order" noValidate onSubmit={askToAmend}>
          {order.items.map((item, index) => (
            <Field
              key={item.itemId}
              label={`Quantity of ${item.name}`}
              name={`quantity-${index}`}
              type="number"
              inputMode="numeric"
              value={quantities[index] ?? ''}
              onChange={(event) => {
                setQuantities(quantities.map((value, at) => (at === index ? event.target.value : value)));
              }}
              error={amendProblem?.about(`/items/${index}/quantity`)}
            />
          ))}
          <button type="submit" disabled={!amendable || amend.isPending}>
            Amend order
          </button>
          <ProblemNote
            error={amend.error}
            shownFields={order.items.map((_, index) => `/items/${index}/quantity`)}
          />
          {amend.isSuccess && (
            <p role="status">Amendment sent: inventory confirms it or the order reverts.</p>
          )}
          <dialog ref={amendDialog} aria-label="Amend order">
            <article>
              <p>Change the quantities of this order to {quantities.join(', ')}?</p>
              <footer>
                <button type="button" className="secondary" onClick={() => amendDialog.current?.close()}>
                  Keep it
                </button>
                <button
                  type="button"
                  onClick={() => {
                    amendDialog.current?.close();
                    amend.mutate();
                  }}
                >
                  Amend the order
                </button>
              </footer>
            </article>
          </dialog>
        </form>
      </div>
    </details>
  );
}
