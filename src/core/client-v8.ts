// V8 set for a client run (presign, upload, watch-webhooks): short, and its hot
// path is native code (SHA-256, file and socket syscalls), so V8's optimising
// compilers cost more memory and CPU than they save. Set at run time, first
// thing in those commands: the flags apply to code compiled after them.
import { setFlagsFromString } from 'node:v8';

let applied = false;

export function tuneV8ForClient(): void {
  if (applied) return;
  applied = true;
  // undici's HTTP parser (llhttp, WebAssembly, compiled on its first
  // connection) stays on the baseline compiler: TurboFan re-compiling its hot
  // functions took ~35 MB of peak RSS for a few milliseconds (issue 6: 116 ->
  // 81 MB for any upload). It only reads response heads. Node 24's V8 ignores
  // a --liftoff-only set at run time (upload of one byte: 92 MiB, 70 with the
  // flag on the command line); its dynamic tiering does read the budget below,
  // which no parser here ever spends (Node 24: 92 -> 69 MiB; Node 20 unchanged).
  setFlagsFromString('--liftoff-only');
  setFlagsFromString('--wasm-tiering-budget=1000000000');
  // JavaScript stays on the interpreter and baseline code. Node 20, 5 runs:
  // peak RSS of a 1 GiB upload 69 -> 63.5 MiB (the optimiser's compile zones;
  // a 10 MiB upload has nothing hot enough to optimise, so the 1 GiB - 10 MiB
  // target moved from +8.7 to +4.1 MiB), no change in throughput, 500 files at
  // --concurrency 16 1.22-1.36 -> 1.08-1.19 s (its compiles were never repaid).
  setFlagsFromString('--no-turbofan');
  // Node 24 (V8 13) also compiles Maglev and Sparkplug code on background
  // threads, and a process.exit() while such a job waits for a main-thread GC
  // deadlocks in Node's platform shutdown (nodejs/node#54918): seen here on
  // Ctrl-C while stdin was being spooled, in ~2 of 90 runs and once in CI.
  // Without those jobs there is nothing to wait for; Sparkplug's baseline code
  // then compiles on the main thread, quickly. Node 20 has neither on.
  setFlagsFromString('--no-maglev');
  setFlagsFromString('--no-concurrent-sparkplug');
}
