import { Type } from 'typebox';

/** The `uuid` format accepts only the canonical lower-case form (see validation.ts). */
export const Uuid = (description: string) => Type.String({ format: 'uuid', description });
export const Timestamp = (description: string) => Type.String({ format: 'date-time', description });
/** Amounts in major units with at most two decimals: the minor units of the domain's currencies. */
export const Money = (description: string) =>
  Type.Number({ minimum: 0, maximum: 1e9, minorUnits: 2, description });
export const Quantity = (description: string) => Type.Integer({ minimum: 1, maximum: 100_000, description });
export const Text = (description: string, maxLength = 200) =>
  Type.String({ minLength: 1, maxLength, description });

/** An order line as the order events carry it (catalog: OrderConfirmed / OrderCancelled `orderItems`). */
export const OrderItem = Type.Object(
  {
    productId: Uuid('The unique identifier of the product.'),
    productName: Text('The name of the product.'),
    quantity: Quantity('The quantity of the product ordered.'),
    unitPrice: Money('The price per unit of the product.'),
    totalPrice: Money('The total price for this order item (quantity * unitPrice).'),
  },
  { additionalProperties: false },
);

export const StockLine = Type.Object(
  {
    productId: Uuid('The product.'),
    warehouseId: Uuid('The warehouse the units are held in.'),
    quantity: Quantity('How many units.'),
  },
  { additionalProperties: false },
);

export const Shortage = Type.Object(
  {
    productId: Uuid('The product that could not be reserved.'),
    requested: Quantity('Units the order asked for.'),
    available: Type.Integer({ minimum: 0, description: 'Units available over all warehouses at the time.' }),
  },
  { additionalProperties: false },
);
