import type { ApiClient } from './client.js';
import { runPool } from './client.js';
import type { OrdersRunResult } from './orders-run.js';

/** Checks what must hold after any run; throws with every broken rule listed. */
export async function checkInvariants(
  api: ApiClient,
  run: Pick<OrdersRunResult, 'views'>,
  products: readonly { productId: string; units: number }[],
): Promise<void> {
  const broken: string[] = [];
  const unsettled = run.views.filter((view) => !['completed', 'rejected'].includes(view.status));
  if (unsettled.length > 0) broken.push(`${unsettled.length} orders are not final`);

  for (const { productId, units } of products) {
    const sold = run.views
      .filter((view) => view.status === 'completed')
      .flatMap((view) => view.items)
      .filter((item) => item.itemId === productId)
      .reduce((sum, item) => sum + item.quantity, 0);
    const stock = (
      await api.request<{ totals: { onHand: number; reserved: number } }>('GET', `/inventory/${productId}`)
    ).body;
    if (sold > units) broken.push(`oversold ${productId}: ${sold} of ${units}`);
    if (stock.totals.onHand !== units - sold || stock.totals.reserved !== 0) {
      broken.push(
        `stock of ${productId} does not balance: ${JSON.stringify(stock.totals)} after selling ${sold} of ${units}`,
      );
    }
  }

  let wrongConfirmations = 0;
  await runPool(
    run.views,
    16,
    async (view) => {
      const { body } = await api.request<{ notifications: { type: string }[] }>(
        'GET',
        `/notifications?orderId=${view.orderId}&limit=100`,
      );
      const confirmations = body.notifications.filter(
        (notification) => notification.type === 'order_confirmation',
      ).length;
      if (confirmations !== (view.status === 'completed' ? 1 : 0)) wrongConfirmations += 1;
    },
    () => undefined,
  );
  if (wrongConfirmations > 0)
    broken.push(`${wrongConfirmations} orders do not have exactly one confirmation per confirmation`);
  if (broken.length > 0) throw new Error(`invariants broken:\n- ${broken.join('\n- ')}`);
}
