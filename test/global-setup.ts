// Every temp folder of a test run (sandboxes, data dirs, spools, Chromium
// profiles) goes under one folder that is removed when the run ends: tests
// spawn real processes with real files and should not leave 100 MB behind.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'fastup-tests-'));
  // Workers and every process they spawn inherit it; os.tmpdir() reads it.
  process.env.TMPDIR = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
