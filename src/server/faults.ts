// TESTING ONLY fault injection (--fault, hidden; docs/dev-server.md). Each spec
// is `name[=value][xN][,param=value...]`; `:N` is accepted for `xN`. Counted
// faults fire on the next N matching requests or deliveries, then are spent;
// put-throttle lasts for the whole run.
//
//   put-status=503x2            next 2 PUTs answered 503 (any 4xx/5xx status)
//   put-status=429x1,retry-after=1   ... with Retry-After: 1
//   put-reset-after=1048576x1   next PUT: connection reset after 1 MiB of body
//   put-throttle=65536          every PUT body received at <= 64 KiB/s
//   put-delay=500x3             next 3 PUT answers delayed 500 ms
//   api-status=429x1,retry-after=2   next API request answered with that status
//   api-delay=500x1             next API answer delayed 500 ms
//   webhook-dropx1              next delivery is never sent (nor retried)
//   webhook-delay=2000x1        next delivery sent 2 s late
//   webhook-corrupt-sha256x1    next delivery carries a wrong sha256 (still signed)
//   webhook-corrupt-sizex1      next delivery carries a wrong sizeBytes (still signed)
import { parseSize } from '../core/units.js';
import { UsageError } from '../core/errors.js';
import { ApiError } from './http-util.js';

export type FaultName =
  | 'put-status'
  | 'put-reset-after'
  | 'put-throttle'
  | 'put-delay'
  | 'api-status'
  | 'api-delay'
  | 'webhook-drop'
  | 'webhook-delay'
  | 'webhook-corrupt-sha256'
  | 'webhook-corrupt-size';

interface Spec {
  /** What the value is: a status, a byte count, milliseconds, or nothing. */
  value: 'status' | 'bytes' | 'ms' | 'none';
  counted: boolean;
}

const SPECS: Record<FaultName, Spec> = {
  'put-status': { value: 'status', counted: true },
  'put-reset-after': { value: 'bytes', counted: true },
  'put-throttle': { value: 'bytes', counted: false },
  'put-delay': { value: 'ms', counted: true },
  'api-status': { value: 'status', counted: true },
  'api-delay': { value: 'ms', counted: true },
  'webhook-drop': { value: 'none', counted: true },
  'webhook-delay': { value: 'ms', counted: true },
  'webhook-corrupt-sha256': { value: 'none', counted: true },
  'webhook-corrupt-size': { value: 'none', counted: true },
};
// Longest first, so `webhook-corrupt-sha256x1` is not read as a shorter name.
const NAMES = (Object.keys(SPECS) as FaultName[]).sort((a, b) => b.length - a.length);

export interface Fault {
  name: FaultName;
  value: number;
  /** Times left; Infinity for lasting faults. */
  remaining: number;
  retryAfter?: number;
}

function bad(spec: string, why: string): UsageError {
  return new UsageError(`invalid --fault '${spec}': ${why}`, {
    code: 'InvalidFault',
    hint: 'e.g. put-status=503x2, put-reset-after=1048576x1, put-throttle=65536, webhook-corrupt-sha256x1 (docs/dev-server.md)',
  });
}

export function parseFault(spec: string): Fault {
  const [head = '', ...params] = spec.trim().split(',');
  const name = NAMES.find((n) => head.startsWith(n));
  if (!name) throw bad(spec, `unknown fault; known: ${Object.keys(SPECS).join(', ')}`);
  const def = SPECS[name];
  const match = /^(?:=([^x:]+))?(?:[x:](\d+))?$/.exec(head.slice(name.length).trim());
  if (!match) throw bad(spec, 'expected name[=value][xN]');
  const [, rawValue, rawCount] = match;
  let value = 0;
  if (def.value === 'none') {
    if (rawValue !== undefined) throw bad(spec, `${name} takes no value`);
  } else {
    if (rawValue === undefined) throw bad(spec, `${name} needs a value`);
    value = def.value === 'bytes' ? parseSize(rawValue, 'fault size') : Number(rawValue.trim());
    if (!Number.isSafeInteger(value) || value < 0) throw bad(spec, 'value must be a whole number');
    if (def.value === 'status' && (value < 400 || value > 599)) throw bad(spec, 'status must be 400-599');
    if (name === 'put-throttle' && value === 0) throw bad(spec, 'throttle must be above 0 bytes/s');
  }
  if (!def.counted && rawCount !== undefined) throw bad(spec, `${name} lasts for the whole run and takes no count`);
  const fault: Fault = { name, value, remaining: def.counted ? Number(rawCount ?? 1) : Number.POSITIVE_INFINITY };
  for (const param of params) {
    const [key, v] = param.split('=').map((s) => s.trim());
    if (key === 'retry-after' && v !== undefined && /^\d+$/.test(v) && def.value === 'status') fault.retryAfter = Number(v);
    else throw bad(spec, `unknown parameter '${param}'`);
  }
  return fault;
}

/** The live faults of a server run; take() spends one use of the first matching fault. */
export class Faults {
  private readonly list: Fault[];

  constructor(specs: string[] = []) {
    this.list = specs.map(parseFault);
  }

  get enabled(): boolean {
    return this.list.length > 0;
  }

  take(name: FaultName): Fault | undefined {
    const fault = this.list.find((f) => f.name === name && f.remaining > 0);
    if (fault && Number.isFinite(fault.remaining)) fault.remaining -= 1;
    return fault;
  }
}

const INJECTED_CODES: Record<number, string> = {
  429: 'RateLimited',
  500: 'InternalError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

/** The answer a put-status or api-status fault gives. */
export function injectedError(status: number, retryAfter: number | undefined, fault: string): ApiError {
  return new ApiError(
    status,
    INJECTED_CODES[status] ?? 'InjectedFault',
    `injected by --fault ${fault} (testing only)`,
    retryAfter !== undefined ? { 'Retry-After': String(retryAfter) } : {},
  );
}
