// Everything a command needs to talk to the API, resolved once: settings with
// their precedence, the refusal to send a key over plain http, the shared pool.
import type { Dispatcher } from 'undici';
import { ApiClient } from './api-client.js';
import { readConfig } from './config-store.js';
import type { Context } from './context.js';
import { ConfigError, UsageError } from './errors.js';
import { isLoopbackHost } from './http.js';
import { SETTINGS, missingSetting, profileName, resolveSetting, validateSetting, type Resolved, type SettingKey } from './settings.js';

export interface Settings {
  profile: string;
  /** The config file the values were read from. */
  path: string;
  /** KEY by precedence (flag > env > profile > default) and where it came from, unchecked. */
  resolve(key: SettingKey, flag?: string): Resolved;
  /** The value of KEY by precedence, checked against its rule. */
  get(key: SettingKey, flag?: string): string | undefined;
}

export async function loadSettings(ctx: Context): Promise<Settings> {
  const profile = profileName(ctx.globals.profile, ctx.env);
  const file = await readConfig(ctx.env);
  const values = { ...(file.profiles[profile] ?? {}) };
  const globalsFlags: Partial<Record<SettingKey, string | undefined>> = {
    'api-url': ctx.globals.apiUrl,
    'api-key': ctx.globals.apiKey,
    workspace: ctx.globals.workspace,
  };
  const resolve = (key: SettingKey, flag?: string): Resolved =>
    resolveSetting(key, { flags: { ...globalsFlags, ...(flag === undefined ? {} : { [key]: flag }) }, env: ctx.env, profile: values });
  return {
    profile,
    path: file.path,
    resolve,
    get(key, flag) {
      const { value, source } = resolve(key, flag);
      if (value === undefined || source === 'default') return value;
      // Name the value the way the user gave it: --retries, FASTUP_API_URL, or the profile.
      const label =
        source === 'flag'
          ? `--${key}`
          : source === 'env'
            ? (SETTINGS[key] as { env?: string }).env ?? key
            : `${key} (config profile ${profile})`;
      try {
        return validateSetting(key, value, label);
      } catch (err) {
        if (source !== 'profile') throw err;
        // What the config file holds is configuration (exit 3), and the fix is there.
        const scope = profile === 'default' ? '' : ` --profile ${profile}`;
        throw new ConfigError((err as Error).message, {
          code: 'InvalidConfigValue',
          hint: `fastup config set ${key} <value>${scope}, or fastup config unset ${key}${scope}`,
        });
      }
    },
  };
}

export interface ApiSession {
  settings: Settings;
  apiUrl: string;
  workspace: string;
  client: ApiClient;
}

/** Refuses, before anything is sent, to put the key on the wire in clear to a remote host. */
export function assertSafeApiUrl(apiUrl: string, allowInsecureHttp: boolean): void {
  const url = new URL(apiUrl);
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname) && !allowInsecureHttp) {
    throw new UsageError(`refusing to send the API key over plain http to ${url.host}`, {
      code: 'InsecureApiUrl',
      hint: 'use https, or pass --allow-insecure-http if this network is trusted',
    });
  }
}

export async function openApiSession(
  ctx: Context,
  dispatcher: Dispatcher,
  opts: { retries: number; settings?: Settings },
): Promise<ApiSession> {
  const settings = opts.settings ?? (await loadSettings(ctx));
  const apiUrl = settings.get('api-url') as string;
  const apiKey = settings.get('api-key');
  if (!apiKey) throw missingSetting('api-key', settings.profile);
  ctx.ui.addSecret(apiKey);
  const workspace = settings.get('workspace');
  if (!workspace) throw missingSetting('workspace', settings.profile);
  assertSafeApiUrl(apiUrl, ctx.globals.allowInsecureHttp);
  const client = new ApiClient({
    apiUrl,
    apiKey,
    workspace,
    dispatcher,
    retries: opts.retries,
    signal: ctx.signal,
    now: ctx.now,
    log: (line) => ctx.ui.debug(line),
  });
  return { settings, apiUrl, workspace, client };
}
