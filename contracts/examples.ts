/** Identifiers shared by the examples of every contract, so the examples tell one coherent story. */
export const exampleIds = {
  order: '0b4e7f3a-5c1d-4e2a-9f6b-8a7c3d2e1f00',
  customer: '3f2b8c1e-7a4d-4b9e-8c6f-1d2e3f4a5b6c',
  product: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
  warehouse: 'c0ffee00-1234-4abc-8def-0123456789ab',
  reservation: '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9',
  event: '9d8c7b6a-5f4e-4d3c-b2a1-0f9e8d7c6b5a',
  notification: '7c6b5a4f-3e2d-4c1b-a098-f7e6d5c4b3a2',
} as const;

export const exampleTime = '2026-07-04T14:48:00.000Z';
