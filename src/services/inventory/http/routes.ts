import { Type } from 'typebox';
import { AddInventory, UpdateInventory } from '../../../../contracts/index.js';
import type { HttpApp } from '../../../platform/http/app.js';
import { newOrigin } from '../../../platform/http/origin.js';
import type { ServiceContext } from '../../../platform/service.js';
import { addInventory } from '../application/add-inventory.js';
import { getStock } from '../application/get-stock.js';
import { listStock } from '../application/list-stock.js';
import { updateInventory } from '../application/update-inventory.js';
import { problemResponse } from '../../../platform/http/problem.js';
import { StockPageSchema, StockViewSchema } from './schemas.js';

/** Where a command came from, in `adjusted_by`, when a client sent it over HTTP. */
const HTTP_SOURCE = 'http';

export function inventoryRoutes(ctx: ServiceContext): (app: HttpApp) => Promise<void> {
  const { outbox, ids, db } = ctx;
  return async (app) => {
    app.post(
      '/inventory/add',
      {
        schema: {
          operationId: 'addInventory',
          tags: ['inventory'],
          summary: 'Receive units of a product into a warehouse',
          body: Type.With(AddInventory.schema, { examples: [AddInventory.example] }),
          response: {
            200: StockViewSchema,
            400: problemResponse('The body is not a valid AddInventory command'),
          },
        },
      },
      (request) =>
        outbox.run(newOrigin(request, ids), (uow) => addInventory(uow, ids, request.body, HTTP_SOURCE)),
    );

    app.post(
      '/inventory/update',
      {
        schema: {
          operationId: 'updateInventory',
          tags: ['inventory'],
          summary: 'Correct the units of a product in a warehouse, up or down',
          body: Type.With(UpdateInventory.schema, { examples: [UpdateInventory.example] }),
          response: {
            200: StockViewSchema,
            400: problemResponse('The body is not a valid UpdateInventory command'),
            409: problemResponse(
              'The change would take away reserved units (INVENTORY.BELOW_RESERVED) or more than is on hand (INVENTORY.WOULD_GO_NEGATIVE)',
            ),
          },
        },
      },
      (request) =>
        outbox.run(newOrigin(request, ids), (uow) => updateInventory(uow, ids, request.body, HTTP_SOURCE)),
    );

    app.get(
      '/inventory',
      {
        schema: {
          operationId: 'listStock',
          tags: ['inventory'],
          summary: 'Every product with its stock per warehouse, a page of products at a time',
          querystring: Type.Object({
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
            after: Type.Optional(
              Type.String({ format: 'uuid', description: "The previous page's `nextAfter`." }),
            ),
          }),
          response: { 200: StockPageSchema, 400: problemResponse('The query is invalid') },
        },
      },
      (request) => listStock(db, request.query),
    );

    app.get(
      '/inventory/:productId',
      {
        schema: {
          operationId: 'getStock',
          tags: ['inventory'],
          summary: "A product's stock per warehouse and in total",
          params: Type.Object({ productId: Type.String({ format: 'uuid' }) }),
          response: {
            200: StockViewSchema,
            400: problemResponse('The product id is not a uuid'),
            404: problemResponse('Inventory holds no stock of the product (INVENTORY.UNKNOWN_PRODUCT)'),
          },
        },
      },
      (request) => getStock(db, request.params.productId),
    );
  };
}
