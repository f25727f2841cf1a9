import { optionalText, urlSetting } from './settings-schema.js';

/** The Stripe account both payments and subscriptions call: declared once, read by each. */
export const stripeAccountSettings = {
  secretKey: optionalText({
    env: 'STRIPE_SECRET_KEY',
    description: 'Stripe API key (`sk_…`), for payments and subscriptions',
  }),
  /** Another address for Stripe's API, such as a local test double (`http://127.0.0.1:12111`). */
  apiBase: urlSetting({
    env: 'STRIPE_API_BASE',
    description: "Another address for Stripe's API, such as a local test double",
  }),
};
