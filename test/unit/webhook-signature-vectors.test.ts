// Every case of the signature vectors made outside the project (computed with
// openssl), read from shared/ as it is: the file is the authority, not a copy.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { computeSignature, verifySignature } from '../../src/core/webhook-signature.js';

interface VectorCase {
  name: string;
  secret: string;
  body: string;
  header: string;
  now: number;
  toleranceSeconds: number;
  valid: boolean;
  why: string;
  receiverStatus: number;
}

const vectorsPath = fileURLToPath(new URL('../../../shared/vectors/webhook-signatures.json', import.meta.url));
const { cases } = JSON.parse(readFileSync(vectorsPath, 'utf8')) as { cases: VectorCase[] };

describe('Fastio-Signature vectors (shared/vectors/webhook-signatures.json)', () => {
  it('holds the cases SPEC 1.3 names', () => {
    const names = cases.map((c) => c.name);
    for (const name of ['valid', 'valid-unicode-body', 'valid-whitespace-body', 'tampered-body', 'wrong-secret', 'rotation-two-v1', 'stale-timestamp', 'future-timestamp', 'timestamp-mismatch', 'missing-v1', 'missing-t', 'v0-only', 'garbage-header']) {
      expect(names).toContain(name);
    }
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = verifySignature({
      secret: c.secret,
      header: c.header,
      body: Buffer.from(c.body, 'utf8'),
      nowSeconds: c.now,
      toleranceSeconds: c.toleranceSeconds,
    });
    expect(result.ok, c.why).toBe(c.valid);
    const status = result.ok ? 200 : result.status;
    expect(status, c.why).toBe(c.receiverStatus);
  });

  it.each(cases.filter((c) => c.valid).map((c) => [c.name, c] as const))('computeSignature reproduces %s', (_name, c) => {
    const t = Number(/t=(\d+)/.exec(c.header)?.[1]);
    expect(c.header).toContain(`v1=${computeSignature(c.secret, t, c.body)}`);
  });
});
