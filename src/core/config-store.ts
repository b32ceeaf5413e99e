// Profiles live in one JSON file written by conf (atomically, mode 0600).
// FASTUP_CONFIG_DIR moves it, which tests and sandboxed CI jobs use; otherwise
// conf picks the per-user config folder (XDG_CONFIG_HOME first, then HOME).
// Commands that only read settings read the file directly: loading conf (ajv,
// semver, ...) cost every upload ~40 ms (issue 6); only writes need it.
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type Conf from 'conf';
import { ConfigError } from './errors.js';

export type ProfileValues = Partial<Record<string, string>>;

interface StoreShape {
  profiles: Record<string, ProfileValues>;
}

export interface ConfigFile {
  path: string;
  profiles: Record<string, ProfileValues>;
}

/** The config file as it is now, checked like ConfigStore.open checks it. */
export async function readConfig(env: NodeJS.ProcessEnv): Promise<ConfigFile> {
  const path = await ConfigStore.path(env);
  assertPrivate(path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { path, profiles: {} };
    throw unreadable(path, err);
  }
  let store: unknown;
  try {
    store = text.trim() === '' ? {} : JSON.parse(text);
  } catch (err) {
    throw unreadable(path, err);
  }
  // conf starts every store from its defaults: a file without profiles is empty.
  const profiles = (store as { profiles?: unknown }).profiles ?? {};
  assertShape({ profiles }, path);
  return { path, profiles: profiles as Record<string, ProfileValues> };
}

function unreadable(path: string, err: unknown): ConfigError {
  return new ConfigError(`cannot read the config file ${path}: ${(err as Error).message}`, {
    code: 'ConfigUnreadable',
    hint: `fix or remove ${path}`,
    cause: err,
  });
}

export class ConfigStore {
  private constructor(private readonly conf: Conf<StoreShape>) {}

  /** Where the file is (conf's own choice, computed here so errors can name it). */
  static async path(env: NodeJS.ProcessEnv): Promise<string> {
    const { default: envPaths } = await import('env-paths');
    return join(env.FASTUP_CONFIG_DIR || envPaths('fastup', { suffix: '' }).config, 'config.json');
  }

  static async open(env: NodeJS.ProcessEnv): Promise<ConfigStore> {
    const { default: ConfClass } = await import('conf');
    const cwd = env.FASTUP_CONFIG_DIR || undefined;
    const path = await ConfigStore.path(env);
    assertPrivate(path);
    // readConfig takes a blank file as empty; conf cannot parse one, so start it afresh.
    if (isBlank(path)) rmSync(path);
    let conf: Conf<StoreShape>;
    try {
      conf = new ConfClass<StoreShape>({
        projectName: 'fastup',
        projectSuffix: '',
        configName: 'config',
        ...(cwd ? { cwd } : {}),
        configFileMode: 0o600,
        defaults: { profiles: {} },
      });
    } catch (err) {
      throw unreadable(path, err);
    }
    assertShape(conf.store, conf.path);
    return new ConfigStore(conf);
  }

  set(profile: string, key: string, value: string): void {
    this.merge(profile, { [key]: value });
  }

  /** Replaces several keys of a profile in one write. */
  merge(profile: string, values: ProfileValues): void {
    const profiles = this.conf.get('profiles');
    this.conf.set('profiles', { ...profiles, [profile]: { ...(profiles[profile] ?? {}), ...values } });
  }

  unset(profile: string, key: string): boolean {
    const profiles = this.conf.get('profiles');
    const current = profiles[profile];
    if (!current || !(key in current)) return false;
    const { [key]: _removed, ...rest } = current;
    this.conf.set('profiles', { ...profiles, [profile]: rest });
    return true;
  }
}

function isBlank(path: string): boolean {
  try {
    return readFileSync(path, 'utf8').trim() === '';
  } catch {
    return false;
  }
}

/** Hand edits happen: every value must be a string, under profiles.NAME.KEY. */
function assertShape(store: unknown, path: string): void {
  const profiles = (store as { profiles?: unknown }).profiles;
  const bad = (where: string): ConfigError =>
    new ConfigError(`config file ${path} is not valid: ${where}`, {
      code: 'ConfigInvalid',
      hint: `fix it, or set the value again with 'fastup config set'`,
    });
  if (typeof profiles !== 'object' || profiles === null || Array.isArray(profiles)) throw bad('"profiles" must be an object');
  for (const [name, values] of Object.entries(profiles)) {
    if (typeof values !== 'object' || values === null || Array.isArray(values)) throw bad(`profile "${name}" must be an object`);
    for (const [key, value] of Object.entries(values)) {
      if (typeof value !== 'string') throw bad(`${name}.${key} must be a string`);
    }
  }
}

/** A config file others may write could redirect the API key: refuse it. */
function assertPrivate(path: string): void {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch {
    return; // not created yet
  }
  if (process.platform !== 'win32' && (mode & 0o022) !== 0) {
    throw new ConfigError(`config file ${path} is writable by other users`, {
      code: 'ConfigInsecure',
      hint: `run: chmod 600 '${path}'`,
    });
  }
}
