import { Status, when } from '../components/Feedback';
import type { PaymentView } from './order-types';
import { Table } from '../components/Table';

/** A payment with every call made to the provider for it. */
export function PaymentDetails({ payment }: { payment: PaymentView }) {
  return (
    <article>
      <p>
        <Status value={payment.status} /> {payment.amount.toFixed(2)} {payment.currency} by{' '}
        {payment.paymentMethod}{' '}
        <small>
          payment <code>{payment.paymentId}</code>
        </small>
      </p>
      <Table
        columns={['Operation', 'Call', 'Outcome', 'Detail', 'At']}
        caption={'Every call to the payment provider'}
      >
        {payment.attempts.map((attempt) => (
          <tr key={`${attempt.operationId}-${attempt.number}`}>
            <td>{attempt.operation}</td>
            <td>
              {attempt.action} #{attempt.number}
            </td>
            <td>{attempt.outcome}</td>
            <td>{attempt.detail ?? ''}</td>
            <td>{when(attempt.startedAt)}</td>
          </tr>
        ))}
      </Table>
      {payment.operations.some((operation) => operation.status === 'pending') && (
        <p>
          Still pending:{' '}
          {payment.operations
            .filter((operation) => operation.status === 'pending')
            .map(
              (operation) =>
                `${operation.kind} (${operation.attempts} calls${operation.lastError ? `, last error: ${operation.lastError}` : ''})`,
            )
            .join('; ')}
        </p>
      )}
    </article>
  );
}
