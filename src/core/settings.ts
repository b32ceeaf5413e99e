// Resolves each setting with SPEC 2's precedence: flag > environment > config
// profile > default, and remembers where every value came from (config list).
import { ConfigError, UsageError } from './errors.js';
import { MAX_TIMEOUT_SECONDS, parseCount, parseDuration } from './units.js';
import type { ProfileValues } from './config-store.js';

export type Source = 'flag' | 'env' | 'profile' | 'default';

/** Why a value is not acceptable, or undefined when it is. */
type Rule = (value: string) => string | undefined;

interface KeySpec {
  env?: string;
  secret?: boolean;
  default?: string;
  check: Rule;
  describe: string;
}

// Plain functions rather than zod schemas: every command resolves settings, and
// loading zod cost each `fastup upload` ~40 ms (issue 6).
const httpUrl: Rule = (v) => {
  try {
    const u = new URL(v);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'must be an http(s) URL';
    // It would be stored and printed (config list); the API key travels as a header anyway.
    return u.username || u.password ? 'must not carry a user name or password' : undefined;
  } catch {
    return 'must be an http(s) URL';
  }
};
// eslint-disable-next-line no-control-regex
const token: Rule = (v) => (v === '' ? 'must not be empty' : /[\s\u0000-\u001f\u007f]/.test(v) ? 'must not contain spaces or control characters' : undefined);
// The same limits as the flags these keys stand in for, so `config set` refuses
// what every later command would refuse.
const refuses = (parse: (v: string) => unknown, problem: string): Rule => (v) => {
  try {
    parse(v);
    return undefined;
  } catch {
    return problem;
  }
};
const count = (min: number, max: number): Rule =>
  refuses((v) => parseCount(v, 'value', min, max), `must be a whole number from ${min} to ${max}`);
const duration = (min: number, max: number, range: string): Rule =>
  refuses((v) => {
    const seconds = parseDuration(v);
    if (seconds < min || seconds > max) throw new Error('out of range');
  }, `must be a duration ${range}, such as 900, 90s, 15m, 1h`);

export const SETTINGS = {
  'api-url': { env: 'FASTUP_API_URL', default: 'https://api.fast.io', check: httpUrl, describe: 'API base URL' },
  'api-key': { env: 'FASTUP_API_KEY', secret: true, check: token, describe: 'API key' },
  workspace: { env: 'FASTUP_WORKSPACE', check: token, describe: 'workspace id' },
  'webhook-secret': {
    env: 'FASTUP_WEBHOOK_SECRET',
    secret: true,
    check: token,
    describe: 'secret used to verify webhooks (watch-webhooks)',
  },
  concurrency: { default: '4', check: count(1, 64), describe: 'upload --concurrency' },
  retries: { default: '3', check: count(0, 20), describe: 'upload --retries' },
  'expires-in': { default: '15m', check: duration(1, 604_800, 'from 1s to 7 days'), describe: 'presign/upload --expires-in' },
  'wait-timeout': { default: '2m', check: duration(1, MAX_TIMEOUT_SECONDS, 'from 1s to 24d'), describe: 'upload --wait-timeout' },
} satisfies Record<string, KeySpec>;

export type SettingKey = keyof typeof SETTINGS;
export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

export function isSecretKey(key: SettingKey): boolean {
  return 'secret' in SETTINGS[key] && SETTINGS[key].secret === true;
}

export function assertSettingKey(key: string): SettingKey {
  if (key in SETTINGS) return key as SettingKey;
  throw new UsageError(`unknown config key '${key}'`, { code: 'UnknownConfigKey', hint: `keys: ${SETTING_KEYS.join(', ')}` });
}

/** Validates a value for KEY; the message names the key and the rule. */
export function validateSetting(key: SettingKey, value: string, label: string = key): string {
  const problem = value.trim() !== value ? 'must not start or end with spaces' : (SETTINGS[key] as KeySpec).check(value);
  if (problem) {
    // A secret is never echoed, not even a malformed one; nor is a password inside a URL.
    const shown = isSecretKey(key) ? '' : ` '${value.replace(/(^[a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1…@')}'`;
    throw new UsageError(`invalid ${label}${shown}: ${problem}`, {
      code: 'InvalidConfigValue',
    });
  }
  return value;
}

export interface Resolved {
  value: string | undefined;
  source: Source | undefined;
}

export interface ResolveInput {
  flags: Partial<Record<SettingKey, string | undefined>>;
  env: NodeJS.ProcessEnv;
  profile: ProfileValues;
}

export function resolveSetting(key: SettingKey, input: ResolveInput): Resolved {
  const spec: KeySpec = SETTINGS[key];
  const flag = input.flags[key];
  if (flag !== undefined) return { value: flag, source: 'flag' };
  const fromEnv = spec.env ? input.env[spec.env] : undefined;
  if (fromEnv !== undefined && fromEnv !== '') return { value: fromEnv, source: 'env' };
  const fromProfile = input.profile[key];
  if (fromProfile !== undefined) return { value: fromProfile, source: 'profile' };
  if (spec.default !== undefined) return { value: spec.default, source: 'default' };
  return { value: undefined, source: undefined };
}

/** The profile name in force: --profile > FASTUP_PROFILE > "default". */
export function profileName(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const name = flag ?? (env.FASTUP_PROFILE || undefined) ?? 'default';
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(name)) {
    throw new UsageError(`invalid profile name '${name}'`, { hint: 'use letters, digits, "-", "_" and "."' });
  }
  return name;
}

/** Shown when a command needs a setting that nothing provides. */
export function missingSetting(key: 'api-key' | 'workspace', profile: string): ConfigError {
  const flag = key === 'api-key' ? '--api-key' : '--workspace';
  const env = SETTINGS[key].env;
  const scope = profile === 'default' ? '' : ` --profile ${profile}`;
  return new ConfigError(`no ${SETTINGS[key].describe} configured`, {
    code: key === 'api-key' ? 'MissingApiKey' : 'MissingWorkspace',
    hint: `run 'fastup config set ${key}${scope}'${key === 'api-key' ? '' : ' <id>'}, set ${env}, or pass ${flag}`,
  });
}
