// The key the server accepts, its workspace id and the secret that signs upload
// URLs: generated once and kept in the data dir, so a restart keeps them and
// URLs presigned before it stay valid until they expire (SPEC 1.2, 2).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../core/errors.js';
import { randomId, writeFileAtomic } from './fs-util.js';

export interface Identity {
  apiKey: string;
  workspace: string;
  /** HMAC key for upload URLs; never leaves the data dir. */
  signingSecret: string;
}

export interface IdentityOverrides {
  apiKey?: string;
  workspace?: string;
}

const FILE = 'identity.json';

/**
 * A damaged identity file is refused, never replaced: a new key, workspace and
 * signing secret would silently break every profile and presigned URL made
 * with the old ones.
 */
async function readIdentity(path: string): Promise<Partial<Identity> | undefined> {
  const damaged = (why: string): ConfigError =>
    new ConfigError(`the dev-server's ${path} is damaged (${why})`, {
      code: 'IdentityDamaged',
      hint: 'restore it, or delete it to start with a new key, workspace and URL secret; old profiles and URLs then stop working',
    });
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw damaged((err as NodeJS.ErrnoException).code ?? 'unreadable');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw damaged('not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw damaged('not a JSON object');
  return parsed as Partial<Identity>;
}

export async function loadIdentity(dataDir: string, overrides: IdentityOverrides = {}): Promise<Identity> {
  const path = join(dataDir, FILE);
  const stored = await readIdentity(path);
  const valid = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
  const kept: Identity = {
    apiKey: valid(stored?.apiKey) ? stored.apiKey : randomId('fio_', 24),
    workspace: valid(stored?.workspace) ? stored.workspace : randomId('ws_', 9),
    signingSecret: valid(stored?.signingSecret) ? stored.signingSecret : randomId('', 32),
  };
  if (kept.apiKey !== stored?.apiKey || kept.workspace !== stored?.workspace || kept.signingSecret !== stored?.signingSecret) {
    await writeFileAtomic(path, `${JSON.stringify(kept, null, 2)}\n`);
  }
  // Flags name this run's key and workspace; the generated ones stay kept for runs without flags.
  return {
    ...kept,
    ...(overrides.apiKey ? { apiKey: overrides.apiKey } : {}),
    ...(overrides.workspace ? { workspace: overrides.workspace } : {}),
  };
}
