import type { ReactNode } from 'react';

/** A table that scrolls sideways on a narrow screen, with a header cell per column. */
export function Table({
  columns,
  caption,
  children,
}: {
  columns: readonly string[];
  caption?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="table-scroll">
      <table>
        {caption && <caption>{caption}</caption>}
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
