import { Type, type StaticDecode, type TObject, type TSchema, type TString } from 'typebox';
import { Value } from 'typebox/value';
import { SettingsError } from './settings-error.js';

/** The environment settings are read from. */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * The options every setting's schema carries: the variable it is read from, what it means (the
 * settings table in docs/operations.md is generated from it), its `default` where it has one,
 * and, for a value its schema alone cannot explain, what a good one looks like.
 */
export type SettingOptions = {
  readonly env: string;
  readonly description: string;
  readonly default?: unknown;
  /** Said after the variable's name when a value fails: `must be three lower-case letters`. */
  readonly requirement?: string;
  readonly pattern?: string;
  readonly minimum?: number;
  readonly maximum?: number;
};

/** Thrown by a setting's decoder: what is wrong, said after the variable's name. */
export class SettingProblem extends Error {}

/** A setting whose text is decoded into another value (a list, a map, a URL checked as such). */
export function decodedSetting<Value>(options: SettingOptions, decode: (text: string) => Value) {
  return Type.Codec(Type.String(options))
    .Decode(decode)
    .Encode(() => {
      throw new Error(`${options.env} is read from the environment, never written to it`);
    });
}

/** A URL, or nothing when the variable is unset. */
export const urlSetting = (options: SettingOptions) =>
  Type.Optional(
    decodedSetting(options, (text) => {
      if (!URL.canParse(text)) throw new SettingProblem(`must be a URL, got "${text}"`);
      return text;
    }),
  );

/** Text, or nothing when the variable is unset. */
export const optionalText = (options: SettingOptions): ReturnType<typeof Type.Optional<TString>> =>
  Type.Optional(Type.String(options));

/** `a=1,b=2,a=3` → [['a','1'], ['b','2'], ['a','3']]; an empty list when unset. */
export function pairsOf(text: string): [string, string][] {
  return commaList(text).map((entry) => {
    const at = entry.indexOf('=');
    if (at <= 0) throw new SettingProblem(`must be a list of name=value, got "${text}"`);
    return [entry.slice(0, at).trim(), entry.slice(at + 1).trim()];
  });
}

/** ` a, ,b` → ['a', 'b']. */
export const commaList = (text: string): string[] =>
  text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');

/**
 * Settings as their owner declares them: a schema of settings (nested objects group them as the
 * code reads them), and the checks that span several of them.
 */
export interface DeclaredSettings<Settings> {
  readonly schema: TObject;
  readonly read: (env?: Env) => Settings;
}

export function declareSettings<Schema extends TObject, Settings = StaticDecode<Schema>>(
  schema: Schema,
  refine: (settings: StaticDecode<Schema>, env: Env) => Settings = (settings) => settings as Settings,
): DeclaredSettings<Settings> {
  return { schema, read: (env = process.env) => refine(readSettings(schema, env), env) };
}

export type SettingsOf<Declared> = Declared extends DeclaredSettings<infer Settings> ? Settings : never;

/** Reads every setting of a schema from the environment: an unset or empty variable takes its default. */
export function readSettings<Schema extends TObject>(schema: Schema, env: Env): StaticDecode<Schema> {
  const settings: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(schema.properties as Record<string, TSchema>)) {
    settings[key] = isSetting(property) ? readSetting(property, env) : readSettings(property as TObject, env);
  }
  return settings as StaticDecode<Schema>;
}

export const isSetting = (schema: TSchema): schema is TSchema & SettingOptions => 'env' in schema;

function readSetting(schema: TSchema & SettingOptions, env: Env): unknown {
  const text = env[schema.env] || undefined;
  if (text === undefined)
    return schema.default === undefined ? undefined : Value.Decode(schema, schema.default);
  const value = 'type' in schema && schema.type === 'integer' ? Number(text) : text;
  try {
    if (!Value.Check(schema, value)) throw new SettingProblem(`${requirementOf(schema)}, got "${text}"`);
    return Value.Decode(schema, value);
  } catch (error) {
    if (error instanceof SettingProblem) throw new SettingsError(`${schema.env} ${error.message}`);
    throw error;
  }
}

/** What a good value is, in words: from the schema, unless its owner says it. */
export function requirementOf(schema: TSchema & SettingOptions): string {
  if (schema.requirement !== undefined) return schema.requirement;
  if ('enum' in schema) return `must be ${(schema.enum as string[]).join(' or ')}`;
  return `must be an integer from ${schema.minimum} to ${schema.maximum}`;
}
