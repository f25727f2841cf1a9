import type { TObject, TSchema } from 'typebox';
import { authSettingsSchema } from '../platform/auth/settings.js';
import { databaseSettings } from '../platform/db/settings.js';
import { edgeSettings, serverSettings, sheddingSettings } from '../platform/http/settings.js';
import { processSettings } from '../platform/kernel/settings.js';
import { isSetting, type SettingOptions } from '../platform/kernel/settings-schema.js';
import { messagingSettings, natsSettings } from '../platform/messaging/settings.js';
import { loggingSettings } from '../platform/observability/settings.js';
import { notificationSettings } from '../services/notifications/settings.js';
import { orderSettings } from '../services/orders/settings.js';
import { paymentSettings } from '../services/payments/settings.js';
import { subscriptionSettings } from '../services/subscriptions/settings.js';
import { clusterSettings, deadLetterToolSettings, gatewaySettings } from '../hosts/settings.js';

/** The settings of one owner, as the settings tables of docs/operations.md group them. */
export interface SettingsGroup {
  readonly title: string;
  readonly schemas: readonly TObject[];
}

export const settingsGroups: readonly SettingsGroup[] = [
  { title: 'HTTP edge', schemas: [serverSettings, sheddingSettings, edgeSettings] },
  { title: 'Authentication', schemas: [authSettingsSchema] },
  { title: 'Database', schemas: [databaseSettings] },
  { title: 'Messaging', schemas: [messagingSettings] },
  { title: 'NATS (distributed runtime)', schemas: [natsSettings] },
  { title: 'Logging and process', schemas: [loggingSettings, processSettings] },
  { title: 'Orders', schemas: [orderSettings.schema] },
  { title: 'Payments', schemas: [paymentSettings.schema] },
  { title: 'Subscriptions', schemas: [subscriptionSettings.schema] },
  { title: 'Notifications', schemas: [notificationSettings.schema] },
  {
    title: 'Hosts and tools',
    schemas: [gatewaySettings.schema, clusterSettings.schema, deadLetterToolSettings.schema],
  },
];

/**
 * One table per group: variable, default, what it does. A variable two owners read (the Stripe
 * key and address) is listed once, under the first owner that declares it.
 */
export function settingsTables(groups: readonly SettingsGroup[] = settingsGroups): string {
  const listed = new Set<string>();
  const sections: string[] = [];
  for (const group of groups) {
    const settings = group.schemas.flatMap(settingsOf).filter((setting) => {
      if (listed.has(setting.env)) return false;
      listed.add(setting.env);
      return true;
    });
    if (settings.length === 0) continue;
    const rows = settings.map((setting) =>
      row([`\`${setting.env}\``, defaultOf(setting), cell(setting.description)]),
    );
    sections.push(
      [
        `### ${group.title}`,
        '',
        row(['Variable', 'Default', 'What it does']),
        row(['---', '---', '---']),
        ...rows,
      ].join('\n'),
    );
  }
  return sections.join('\n\n');
}

/** The settings of a schema in declaration order, nested groups included. */
function settingsOf(schema: TObject): SettingOptions[] {
  return Object.values(schema.properties as Record<string, TSchema>).flatMap((property) =>
    isSetting(property) ? [property] : settingsOf(property as TObject),
  );
}

function defaultOf(setting: SettingOptions): string {
  if (setting.default === undefined || setting.default === '') return '—';
  const text = typeof setting.default === 'string' ? setting.default : JSON.stringify(setting.default);
  return `\`${text}\``;
}

const cell = (text: string): string => text.replaceAll('|', '\\|');

const row = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
