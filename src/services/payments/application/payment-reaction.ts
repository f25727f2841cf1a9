import type { MessageContract, PayloadOf } from '../../../../contracts/index.js';
import type { Bell } from '../../../platform/kernel/bell.js';
import { defineHandler, type MessageHandler } from '../../../platform/messaging/handler.js';
import { changePayments, type PaymentChange } from './change-payment.js';

/**
 * A handler through which a message changes a payment: `commandOf` names the payment and the
 * command. Takes its deliveries a batch at a time.
 */
export function paymentReaction<C extends MessageContract>(
  name: string,
  contract: C,
  bell: Bell,
  commandOf: (payload: PayloadOf<C>) => Omit<PaymentChange, 'uow'>,
): MessageHandler {
  return defineHandler<C>({
    name,
    contract,
    handleBatch: async (items, sql) => {
      await changePayments(
        sql,
        bell,
        items.map(({ message, uow }) => ({ uow, ...commandOf(message.payload) })),
      );
    },
  });
}
