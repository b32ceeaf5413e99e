// `fastup config set|get|unset|list|path` (SPEC 2): settings per profile, secrets redacted.
import { ConfigStore } from '../core/config-store.js';
import type { Context } from '../core/context.js';
import { ConfigError, UsageError } from '../core/errors.js';
import { promptHidden, readStdinValue } from '../core/read-secret.js';
import { redact } from '../core/redact.js';
import { loadSettings } from '../core/session.js';
import {
  SETTING_KEYS,
  assertSettingKey,
  isSecretKey,
  profileName,
  validateSetting,
  type SettingKey,
} from '../core/settings.js';

function shown(key: SettingKey, value: string): string {
  return isSecretKey(key) ? redact(value) : value;
}

async function valueFor(key: SettingKey, given: string | undefined, opts: { stdin?: boolean }, ctx: Context): Promise<string> {
  if (given !== undefined) {
    if (opts.stdin) throw new UsageError('give the value either as an argument or with --stdin, not both');
    return given;
  }
  if (opts.stdin) return readStdinValue(ctx.stdin);
  if (!isSecretKey(key)) throw new UsageError(`missing value: fastup config set ${key} <value>`);
  const stdin = ctx.stdin as NodeJS.ReadStream;
  if (!stdin.isTTY || typeof stdin.setRawMode !== 'function') {
    throw new UsageError(`no value for ${key} and no terminal to ask in`, {
      hint: `pipe it in: printf '%s' "$SECRET" | fastup config set ${key} --stdin`,
    });
  }
  return promptHidden(`${key}: `, stdin, ctx.stderr);
}

export async function configSet(key: string, value: string | undefined, opts: { stdin?: boolean }, ctx: Context): Promise<void> {
  const name = assertSettingKey(key);
  const raw = await valueFor(name, value, opts, ctx);
  if (raw === '') throw new UsageError(`empty value for ${name}: to remove it use 'fastup config unset ${name}'`);
  const valid = validateSetting(name, raw);
  // Only the profile's name is needed: ConfigStore.open reads and checks the file itself.
  const profile = profileName(ctx.globals.profile, ctx.env);
  (await ConfigStore.open(ctx.env)).set(profile, name, valid);
  ctx.ui.info(`set ${name} = ${shown(name, valid)} (profile ${profile})`);
  if (ctx.ui.json) ctx.ui.jsonLine({ profile, key: name, value: shown(name, valid) });
}

export async function configGet(key: string, ctx: Context): Promise<void> {
  const name = assertSettingKey(key);
  const settings = await loadSettings(ctx);
  const { value, source } = settings.resolve(name);
  if (value === undefined) {
    throw new ConfigError(`${name} is not set (profile ${settings.profile})`, {
      code: 'NotSet',
      hint: `fastup config set ${name}${settings.profile === 'default' ? '' : ` --profile ${settings.profile}`}`,
    });
  }
  if (ctx.ui.json) ctx.ui.jsonLine({ profile: settings.profile, key: name, value: shown(name, value), source });
  else ctx.ui.result(shown(name, value));
}

export async function configUnset(key: string, ctx: Context): Promise<void> {
  const name = assertSettingKey(key);
  const profile = profileName(ctx.globals.profile, ctx.env);
  const removed = (await ConfigStore.open(ctx.env)).unset(profile, name);
  ctx.ui.info(removed ? `unset ${name} (profile ${profile})` : `${name} was not set in profile ${profile}`);
}

export async function configList(ctx: Context): Promise<void> {
  const settings = await loadSettings(ctx);
  const rows = SETTING_KEYS.map((key) => {
    const { value, source } = settings.resolve(key);
    return { key, value: value === undefined ? undefined : shown(key, value), source: source ?? 'unset' };
  });
  if (ctx.ui.json) {
    for (const row of rows) ctx.ui.jsonLine({ profile: settings.profile, ...row, value: row.value ?? null });
    return;
  }
  ctx.ui.info(`profile ${settings.profile} (${settings.path})`);
  const width = Math.max(...rows.map((r) => r.key.length));
  const valueWidth = Math.max(...rows.map((r) => (r.value ?? '-').length));
  for (const row of rows) {
    ctx.ui.result(`${row.key.padEnd(width)}  ${(row.value ?? '-').padEnd(valueWidth)}  ${row.source}`);
  }
}

/** Works even when the file is broken: that is when people need its path. */
export async function configPath(ctx: Context): Promise<void> {
  const path = await ConfigStore.path(ctx.env);
  if (ctx.ui.json) ctx.ui.jsonLine({ path });
  else ctx.ui.result(path);
}

