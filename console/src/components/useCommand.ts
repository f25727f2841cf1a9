import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, ApiProblem } from '../api';

/**
 * A command sent to the API from a form: after it, the queries under `refreshes` are read again,
 * and `fieldError` tells what the API said about a field.
 */
export function useCommand<Body>(path: string | ((body: Body) => string), refreshes: unknown[]) {
  const client = useQueryClient();
  const mutation = useMutation({
    mutationFn: (body: Body) => api(typeof path === 'string' ? path : path(body), { method: 'POST', body }),
    onSettled: () => client.invalidateQueries({ queryKey: refreshes }),
  });
  const fieldError = (field: string) =>
    mutation.error instanceof ApiProblem ? mutation.error.about(field) : undefined;
  return { ...mutation, fieldError };
}
