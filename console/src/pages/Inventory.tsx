import { useQuery } from '@tanstack/react-query';
import { useState, type SyntheticEvent } from 'react';
import { api, query } from '../api';
import { Field } from '../components/Field';
import { Loading, ProblemNote } from '../components/Feedback';
import { useCommand } from '../components/useCommand';
import { Pager } from '../components/Pager';
import { Table } from '../components/Table';

interface StockView {
  readonly productId: string;
  readonly warehouses: { warehouseId: string; onHand: number; reserved: number; available: number }[];
  readonly totals: { onHand: number; reserved: number; available: number };
}

/** Every product × warehouse with its stock, out-of-stock lines marked, and the two stock forms. */
export function Inventory() {
  const [afters, setAfters] = useState<string[]>([]);
  const after = afters.at(-1);
  const page = useQuery({
    queryKey: ['inventory', after],
    queryFn: () =>
      api<{ products: StockView[]; nextAfter: string | null }>(`/inventory${query({ after, limit: 50 })}`),
  });
  return (
    <section aria-labelledby="inventory-title">
      <h1 id="inventory-title">Inventory</h1>
      <div className="grid">
        <StockForm kind="add" />
        <StockForm kind="update" />
      </div>
      {page.isPending && <Loading what="stock" />}
      <ProblemNote error={page.error} />
      {page.data && (
        <>
          <Table
            columns={['Product', 'Warehouse', 'On hand', 'Reserved', 'Available']}
            caption={'Stock per product and warehouse'}
          >
            {page.data.products.flatMap((product) =>
              product.warehouses.map((level) => (
                <tr
                  key={`${product.productId}-${level.warehouseId}`}
                  className={level.available === 0 ? 'out-of-stock' : undefined}
                  data-product={product.productId}
                  data-warehouse={level.warehouseId}
                >
                  <td>
                    <code>{product.productId}</code>
                  </td>
                  <td>
                    <code>{level.warehouseId.slice(0, 8)}</code>
                  </td>
                  <td data-column="onHand">{level.onHand}</td>
                  <td data-column="reserved">{level.reserved}</td>
                  <td data-column="available">
                    {level.available}
                    {level.available === 0 && <strong> out of stock</strong>}
                  </td>
                </tr>
              )),
            )}
          </Table>
          <Pager
            cursors={afters}
            next={page.data.nextAfter}
            onChange={setAfters}
            labels={{ back: 'Previous', forward: 'Next' }}
          />
        </>
      )}
    </section>
  );
}

/** Receive units (`add`) or correct a level up or down (`update`). */
function StockForm({ kind }: { kind: 'add' | 'update' }) {
  const amountField = kind === 'add' ? 'quantity' : 'quantityChange';
  const command = useCommand<Record<string, unknown>>(`/inventory/${kind}`, ['inventory']);
  const [values, setValues] = useState({ productId: '', warehouseId: '', amount: '' });
  const set = (name: keyof typeof values) => (event: { target: { value: string } }) => {
    setValues({ ...values, [name]: event.target.value });
  };
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    command.mutate({
      productId: values.productId.trim(),
      warehouseId: values.warehouseId.trim(),
      [amountField]: values.amount === '' ? undefined : Number(values.amount),
      timestamp: new Date().toISOString(),
    });
  };
  const title = kind === 'add' ? 'Receive stock' : 'Correct stock';
  return (
    <form aria-label={title} noValidate onSubmit={submit}>
      <h2>{title}</h2>
      <Field
        label="Product id"
        name="productId"
        value={values.productId}
        onChange={set('productId')}
        error={command.fieldError('/productId')}
      />
      <Field
        label="Warehouse id"
        name="warehouseId"
        value={values.warehouseId}
        onChange={set('warehouseId')}
        error={command.fieldError('/warehouseId')}
      />
      <Field
        label={kind === 'add' ? 'Units received' : 'Change in units (negative removes)'}
        name={amountField}
        type="number"
        inputMode="numeric"
        value={values.amount}
        onChange={set('amount')}
        error={command.fieldError(`/${amountField}`)}
      />
      <button type="submit" disabled={command.isPending}>
        {kind === 'add' ? 'Add stock' : 'Update stock'}
      </button>
      <ProblemNote error={command.error} shownFields={['/productId', '/warehouseId', `/${amountField}`]} />
      {command.isSuccess && <p role="status">Stock saved.</p>}
    </form>
  );
}
