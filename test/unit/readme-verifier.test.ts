// The README teaches users to write their own webhook verifier; the snippet it
// shows must pass the shared vectors, or users copy a bug.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/fastup.js';

interface Vector {
  name: string;
  secret: string;
  body: string;
  header: string;
  now: number;
  receiverStatus: number;
}

const vectors = (
  JSON.parse(readFileSync(join(repoRoot, '..', 'shared', 'vectors', 'webhook-signatures.json'), 'utf8')) as { cases: Vector[] }
).cases;

async function readmeVerifier(): Promise<(secret: string, header: string, body: Buffer, now: number) => number> {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('#### The signature scheme'));
  const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
  if (!code) throw new Error('README has no js verifier snippet');
  const file = join(mkdtempSync(join(tmpdir(), 'fastup-readme-')), 'verify.mjs');
  writeFileSync(file, code);
  return ((await import(pathToFileURL(file).href)) as { verify: never }).verify;
}

describe('the README verifier snippet', () => {
  it('answers 400 when the header is missing, as SPEC 1.3 says', async () => {
    const verify = await readmeVerifier();
    expect(verify('whsec_x', undefined as unknown as string, Buffer.from('{}'), 0)).toBe(400);
  });

  it.each(vectors)('$name: answers $receiverStatus', async (v) => {
    const verify = await readmeVerifier();
    expect(verify(v.secret, v.header, Buffer.from(v.body, 'utf8'), v.now)).toBe(v.receiverStatus);
  });
});
