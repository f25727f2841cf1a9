import type { Migration } from '../db/database.js';

/** The messaging tables every service keeps in its own schema: outbox, inbox, dead letters, parked messages. */
export function messagingTables(schema: string): Migration[] {
  return [
    initialTables(schema),
    poisonProofDeadLetters(schema),
    inboxByIdempotencyKey(schema),
    outboxAsWritten(schema),
  ];
}

function initialTables(schema: string): Migration {
  return {
    name: '000_messaging',
    sql: `
      create table ${schema}.outbox (
        seq bigserial primary key,
        id text not null unique,
        channel text not null,
        envelope jsonb not null,
        created_at timestamptz not null default now(),
        published_at timestamptz,
        attempts integer not null default 0,
        last_error text
      );
      create index outbox_unpublished on ${schema}.outbox (seq) where published_at is null;

      create table ${schema}.inbox (
        consumer text not null,
        message_id text not null,
        type text not null,
        handled_at timestamptz not null default now(),
        primary key (consumer, message_id)
      );

      create table ${schema}.dead_letters (
        id bigserial primary key,
        consumer text not null,
        message_id text not null,
        type text not null,
        envelope jsonb not null,
        reason text not null,
        deliveries integer not null,
        dead_lettered_at timestamptz not null default now(),
        replayed_at timestamptz
      );
      create index dead_letters_open on ${schema}.dead_letters (dead_lettered_at) where replayed_at is null;

      -- Messages parked until the fact they await holds (see Deferral).
      create table ${schema}.parked (
        consumer text not null,
        message_id text not null,
        awaited text not null,
        envelope jsonb not null,
        reason text not null,
        parked_at timestamptz not null default now(),
        primary key (consumer, message_id)
      );
      create index parked_by_awaited on ${schema}.parked (awaited);
    `,
  };
}

/**
 * A dead letter keeps the message's bytes as they arrived, which nothing can refuse; the parsed
 * envelope is kept beside them only when jsonb can hold it (no NUL, no lone surrogate).
 */
function poisonProofDeadLetters(schema: string): Migration {
  return {
    name: '000_messaging_raw_dead_letters',
    sql: `
      alter table ${schema}.dead_letters add column message bytea;
      update ${schema}.dead_letters set message = convert_to(envelope::text, 'UTF8');
      alter table ${schema}.dead_letters alter column message set not null;
      alter table ${schema}.dead_letters alter column envelope drop not null;
    `,
  };
}

/**
 * A consumer applies each idempotency key once, whatever the envelope ids that carry it; the
 * digest of what it applied tells a resent message from another one reusing the key.
 */
function inboxByIdempotencyKey(schema: string): Migration {
  return {
    name: '000_messaging_inbox_by_key',
    sql: `
      alter table ${schema}.inbox rename column message_id to idempotency_key;
      alter table ${schema}.inbox add column digest text;
    `,
  };
}

/**
 * The outbox is written once and read back whole by its relay, never queried inside: json keeps the
 * text as it came, where jsonb parses it into its binary form and prints it again for the relay.
 */
function outboxAsWritten(schema: string): Migration {
  return {
    name: '000_messaging_json_outbox',
    sql: `alter table ${schema}.outbox alter column envelope type json using envelope::json;`,
  };
}
