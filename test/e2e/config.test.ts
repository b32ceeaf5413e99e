import { chmodSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { fastup, makeSandbox, type Sandbox } from '../helpers/fastup.js';

const KEY = 'fio_test_0123456789abcdef9f2c';

describe('fastup config', () => {
  let sandbox: Sandbox;
  beforeEach(() => {
    sandbox = makeSandbox();
  });

  it('stores a secret read from --stdin in a 0600 file and never prints it back', async () => {
    const set = await fastup(['config', 'set', 'api-key', '--stdin'], { sandbox, input: `${KEY}\n` });
    expect(set.exitCode).toBe(0);
    const path = (await fastup(['config', 'path'], { sandbox })).stdout.trim();
    expect(path).toBe(join(sandbox.env.FASTUP_CONFIG_DIR!, 'config.json'));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(path, 'utf8')).profiles.default['api-key']).toBe(KEY);

    const get = await fastup(['config', 'get', 'api-key'], { sandbox });
    expect(get.stdout.trim()).toBe('fio_…9f2c');
    const list = await fastup(['config', 'list'], { sandbox });
    for (const out of [set.stdout, set.stderr, get.stdout, get.stderr, list.stdout, list.stderr]) {
      expect(out).not.toContain(KEY);
    }
  });

  it('list shows where each value came from: flag, env, profile, default', async () => {
    await fastup(['config', 'set', 'workspace', 'ws_profile'], { sandbox });
    await fastup(['config', 'set', 'api-url', 'http://127.0.0.1:1'], { sandbox });
    const list = await fastup(['--json', 'config', 'list', '--api-url', 'http://127.0.0.1:2'], {
      sandbox,
      env: { FASTUP_WORKSPACE: 'ws_env' },
    });
    expect(list.exitCode).toBe(0);
    const rows = list.stdout.trim().split('\n').map((line) => JSON.parse(line));
    const byKey = Object.fromEntries(rows.map((r) => [r.key, r]));
    expect(byKey['api-url']).toMatchObject({ value: 'http://127.0.0.1:2', source: 'flag' });
    expect(byKey.workspace).toMatchObject({ value: 'ws_env', source: 'env' });
    expect(byKey.concurrency).toMatchObject({ value: '4', source: 'default' });
    expect(byKey['api-key']).toMatchObject({ value: null, source: 'unset' });
  });

  it('keeps profiles apart and selects one with --profile or FASTUP_PROFILE', async () => {
    await fastup(['config', 'set', 'workspace', 'ws_ci', '--profile', 'ci'], { sandbox });
    await fastup(['config', 'set', 'workspace', 'ws_default'], { sandbox });
    expect((await fastup(['config', 'get', 'workspace', '--profile', 'ci'], { sandbox })).stdout.trim()).toBe('ws_ci');
    expect((await fastup(['config', 'get', 'workspace'], { sandbox, env: { FASTUP_PROFILE: 'ci' } })).stdout.trim()).toBe(
      'ws_ci',
    );
    expect((await fastup(['config', 'get', 'workspace'], { sandbox })).stdout.trim()).toBe('ws_default');
  });

  it('unset removes a key; get of an unset key exits 3 and says how to set it', async () => {
    await fastup(['config', 'set', 'workspace', 'ws_x'], { sandbox });
    expect((await fastup(['config', 'unset', 'workspace'], { sandbox })).exitCode).toBe(0);
    const get = await fastup(['config', 'get', 'workspace'], { sandbox });
    expect(get.exitCode).toBe(3);
    expect(get.stderr).toContain('fastup config set workspace');
  });

  it.each([
    [['config', 'set', 'colour', 'x'], /unknown config key 'colour'/],
    [['config', 'set', 'api-url', 'ftp://nope'], /invalid api-url 'ftp:\/\/nope'/],
    [['config', 'set', 'api-key'], /no terminal to ask in/],
    [['config', 'set', 'workspace'], /missing value/],
  ])('rejects %j with exit 2 and one line', async (args, message) => {
    const result = await fastup(args, { sandbox });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('refuses a config file other users can write (it could redirect the API key)', async () => {
    await fastup(['config', 'set', 'workspace', 'ws_x'], { sandbox });
    const path = join(sandbox.env.FASTUP_CONFIG_DIR!, 'config.json');
    chmodSync(path, 0o666);
    const result = await fastup(['config', 'get', 'workspace'], { sandbox });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain('chmod 600');
  });

  it('uses the per-user config folder under XDG_CONFIG_HOME when FASTUP_CONFIG_DIR is not set', async () => {
    const env = { FASTUP_CONFIG_DIR: undefined };
    await fastup(['config', 'set', 'workspace', 'ws_xdg'], { sandbox, env });
    const path = (await fastup(['config', 'path'], { sandbox, env })).stdout.trim();
    expect(path).toBe(join(sandbox.env.XDG_CONFIG_HOME!, 'fastup', 'config.json'));
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it.each([
    ['not JSON', '{bad', /cannot read the config file .*config\.json/],
    ['a value that is not a string', '{"profiles":{"default":{"api-key":5}}}', /default\.api-key must be a string/],
  ])('a hand-broken config file (%s) is one line naming the file, exit 3; config path still answers', async (_what, content, message) => {
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(sandbox.env.FASTUP_CONFIG_DIR!, { recursive: true });
    const path = join(sandbox.env.FASTUP_CONFIG_DIR!, 'config.json');
    writeFileSync(path, content, { mode: 0o600 });
    const list = await fastup(['config', 'list'], { sandbox });
    expect(list.exitCode).toBe(3);
    expect(list.stderr).toMatch(message);
    expect(list.stderr).toContain(path);
    expect(list.stderr.trim().split('\n')).toHaveLength(1);
    expect((await fastup(['config', 'path'], { sandbox })).stdout.trim()).toBe(path);
  });

  it('a blank config file reads as empty and can be written again', async () => {
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(sandbox.env.FASTUP_CONFIG_DIR!, { recursive: true });
    writeFileSync(join(sandbox.env.FASTUP_CONFIG_DIR!, 'config.json'), '', { mode: 0o600 });
    expect((await fastup(['config', 'set', 'workspace', 'ws_blank'], { sandbox })).exitCode).toBe(0);
    expect((await fastup(['config', 'get', 'workspace'], { sandbox })).stdout.trim()).toBe('ws_blank');
  });
});
