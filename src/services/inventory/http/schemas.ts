import { Type } from 'typebox';
import { exampleIds } from '../../../../contracts/examples.js';

const Units = (description: string) => Type.Integer({ minimum: 0, description });

const stockViewExample = {
  productId: exampleIds.product,
  warehouses: [{ warehouseId: exampleIds.warehouse, onHand: 50, reserved: 2, available: 48 }],
  totals: { onHand: 50, reserved: 2, available: 48 },
};

export const StockViewSchema = Type.Object(
  {
    productId: Type.String({ format: 'uuid' }),
    warehouses: Type.Array(
      Type.Object(
        {
          warehouseId: Type.String({ format: 'uuid' }),
          onHand: Units('Units in the warehouse.'),
          reserved: Units('Units held for orders.'),
          available: Units('Units on hand and not reserved.'),
        },
        { additionalProperties: false },
      ),
    ),
    totals: Type.Object(
      {
        onHand: Units('Units over all warehouses.'),
        reserved: Units('Units held for orders over all warehouses.'),
        available: Units('Units that can still be sold.'),
      },
      { additionalProperties: false },
    ),
  },
  {
    additionalProperties: false,
    title: 'StockView',
    examples: [stockViewExample],
  },
);

export const StockPageSchema = Type.Object(
  {
    products: Type.Array(StockViewSchema),
    nextAfter: Type.Union([Type.String({ format: 'uuid' }), Type.Null()], {
      description: 'Pass as `after` for the next page; null on the last page.',
    }),
  },
  {
    additionalProperties: false,
    title: 'StockPage',
    examples: [{ products: [stockViewExample], nextAfter: null }],
  },
);
