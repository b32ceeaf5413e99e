import { describe, expect, it } from 'vitest';
import { ConfigError, UsageError } from '../../src/core/errors.js';
import { missingSetting, profileName, resolveSetting, validateSetting } from '../../src/core/settings.js';

describe('resolveSetting applies flag > environment > profile > default', () => {
  const env = { FASTUP_API_URL: 'http://env.example', FASTUP_API_KEY: 'fio_env' };
  const profile = { 'api-url': 'http://profile.example', 'api-key': 'fio_profile', workspace: 'ws_profile' };

  it.each([
    ['flag wins over everything', { 'api-url': 'http://flag.example' }, env, profile, 'http://flag.example', 'flag'],
    ['environment wins over the profile', {}, env, profile, 'http://env.example', 'env'],
    ['profile wins over the default', {}, {}, profile, 'http://profile.example', 'profile'],
    ['default when nothing else', {}, {}, {}, 'https://api.fast.io', 'default'],
    ['an empty environment variable counts as unset', {}, { FASTUP_API_URL: '' }, profile, 'http://profile.example', 'profile'],
  ])('%s', (_title, flags, envIn, profileIn, value, source) => {
    expect(resolveSetting('api-url', { flags, env: envIn, profile: profileIn })).toEqual({ value, source });
  });

  it('a setting without default and without value is unset', () => {
    expect(resolveSetting('workspace', { flags: {}, env: {}, profile: {} })).toEqual({ value: undefined, source: undefined });
  });
});

describe('validateSetting', () => {
  it('accepts http(s) API URLs only', () => {
    expect(validateSetting('api-url', 'https://api.fast.io')).toBe('https://api.fast.io');
    expect(() => validateSetting('api-url', 'ftp://x')).toThrow(UsageError);
    expect(() => validateSetting('api-url', 'not a url')).toThrow(/api-url/);
  });
  it('rejects non-numeric concurrency', () => {
    expect(() => validateSetting('concurrency', 'many')).toThrow(UsageError);
  });
});

describe('profileName', () => {
  it('takes --profile, then FASTUP_PROFILE, then "default"', () => {
    expect(profileName('ci', { FASTUP_PROFILE: 'local' })).toBe('ci');
    expect(profileName(undefined, { FASTUP_PROFILE: 'local' })).toBe('local');
    expect(profileName(undefined, {})).toBe('default');
  });
  it('rejects names that could escape the config structure', () => {
    expect(() => profileName('../x', {})).toThrow(UsageError);
  });
});

describe('missingSetting says exactly how to set it', () => {
  it('for the API key', () => {
    const err = missingSetting('api-key', 'default');
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.exitCode).toBe(3);
    expect(err.hint).toContain('fastup config set api-key');
    expect(err.hint).toContain('FASTUP_API_KEY');
  });
  it('names the profile when it is not the default one', () => {
    expect(missingSetting('workspace', 'ci').hint).toContain('--profile ci');
  });
});
