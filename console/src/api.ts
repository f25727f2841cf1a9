import { storedSession } from './session';

export interface FieldProblem {
  readonly field: string;
  readonly location?: string;
  readonly message: string;
}

/** An RFC 9457 problem the API answered with, or a failure to reach it. */
export class ApiProblem extends Error {
  readonly status: number;
  readonly code: string;
  readonly errors: readonly FieldProblem[];

  constructor(status: number, code: string, detail: string, errors: readonly FieldProblem[] = []) {
    super(detail);
    this.status = status;
    this.code = code;
    this.errors = errors;
  }

  /** What the problem says about one field, named as a JSON pointer (`/items/0/quantity`). */
  about(field: string): string | undefined {
    return this.errors.find((error) => error.field === field)?.message;
  }
}

export const authorization = (): Record<string, string> => {
  const session = storedSession();
  return session ? { authorization: `Bearer ${session.token}` } : {};
};

/** Calls the API as the signed-in operator; JSON in, JSON out, problems thrown as ApiProblem. */
export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const response = await fetch(path, {
    method: init.method ?? 'GET',
    headers: {
      accept: 'application/json',
      ...authorization(),
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  const body: unknown = text ? JSON.parse(text) : undefined;
  if (!response.ok) {
    const problem = (body ?? {}) as { code?: string; detail?: string; errors?: FieldProblem[] };
    throw new ApiProblem(
      response.status,
      problem.code ?? `HTTP_${response.status}`,
      problem.detail ?? response.statusText,
      problem.errors ?? [],
    );
  }
  return body as T;
}

/** A query string from the parameters that have a value. */
export function query(parameters: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters))
    if (value !== undefined && value !== '') search.set(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}
