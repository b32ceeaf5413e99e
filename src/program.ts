// Every command and option in one place. Actions only collect their options,
// load the command module on demand (start-up stays fast) and call it.
import { Command, Option } from 'commander';
import type { Context } from './core/context.js';

export type ContextFactory = (cmd: Command) => Promise<Context>;

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function buildProgram(version: string, makeContext: ContextFactory): Command {
  const program = new Command('fastup');
  program
    .description('Presigned-URL uploads to Fastio workspaces, and a local Fastio to test them against')
    .version(version, '--version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .option('--api-url <url>', 'API base URL (env FASTUP_API_URL; default https://api.fast.io)')
    .option('--api-key <key>', 'API key (env FASTUP_API_KEY; better: fastup config set api-key)')
    .option('--workspace <id>', 'workspace id (env FASTUP_WORKSPACE)')
    .option('--profile <name>', 'config profile to use (env FASTUP_PROFILE; default "default")')
    .option('--json', 'machine-readable output: one JSON document per line on stdout')
    .option('-q, --quiet', 'print only errors')
    .option('--verbose', 'print HTTP exchanges (secrets redacted) and stack traces')
    .option('--no-color', 'never colour output (NO_COLOR and FORCE_COLOR are honoured too)')
    .option('--allow-insecure-http', 'allow sending the API key over plain http to a non-loopback host')
    .showSuggestionAfterError()
    // Unknown options must exit 2, not commander's 1: cli.ts maps the thrown error.
    .exitOverride()
    // cli.ts prints errors itself (one line, or JSON under --json).
    .configureOutput({ outputError: () => {} });

  const config = program
    .command('config')
    .description('show and change settings per profile (api-url, api-key, workspace, webhook-secret, ...)');
  config
    .command('set')
    .description('set KEY to VALUE; a secret without VALUE is read from a hidden prompt or --stdin')
    .argument('<key>')
    .argument('[value]')
    .option('--stdin', 'read the value from standard input')
    .action(async (key: string, value: string | undefined, opts, cmd: Command) =>
      (await import('./commands/config.js')).configSet(key, value, opts, await makeContext(cmd)),
    );
  config
    .command('get')
    .description('print the value of KEY (secrets redacted)')
    .argument('<key>')
    .action(async (key: string, _opts, cmd: Command) =>
      (await import('./commands/config.js')).configGet(key, await makeContext(cmd)),
    );
  config
    .command('unset')
    .description('remove KEY from the profile')
    .argument('<key>')
    .action(async (key: string, _opts, cmd: Command) =>
      (await import('./commands/config.js')).configUnset(key, await makeContext(cmd)),
    );
  config
    .command('list')
    .description('list every setting with its value and where it came from (flag, env, profile, default)')
    .action(async (_opts, cmd: Command) => (await import('./commands/config.js')).configList(await makeContext(cmd)));
  config
    .command('path')
    .description('print the path of the config file')
    .action(async (_opts, cmd: Command) => (await import('./commands/config.js')).configPath(await makeContext(cmd)));

  program
    .command('presign')
    .description('ask the API for a signed upload URL and print it as JSON')
    .argument('<remote-path>', 'path in the workspace, e.g. /uploads/report.pdf')
    .option('--content-type <type>', 'MIME type the upload will carry (default: from --file or the extension)')
    .option('--expires-in <duration>', 'how long the URL stays valid: 900, 90s, 15m, 1h (default 15m)')
    .option('--max-size <size>', 'largest body the URL accepts: 1048576, 100MB, 1GiB')
    .option('--file <local>', 'take --content-type and --max-size from this file')
    .option('--lock-id <id>', 'lock held on the path (see upload --lock)')
    .option('--curl', 'print a ready curl command instead of JSON')
    .action(async (remotePath: string, opts, cmd: Command) =>
      (await import('./commands/presign.js')).presign(remotePath, opts, await makeContext(cmd)),
    );

  program
    .command('upload')
    .description('stream local files to the workspace with presigned PUTs')
    .argument('<files...>', 'files to upload ("-" reads standard input and needs --to)')
    .option('--to <remote>', 'remote path, or a folder ending in / (default: / + file name)')
    .option('-r, --recursive', 'upload folders, mirroring their layout under --to')
    .option('-L, --follow-symlinks', 'follow symbolic links met while walking folders (default: skip them)')
    .option('--content-type <type>', 'MIME type (default: from the file extension)')
    .option('--expires-in <duration>', 'lifetime of each presigned URL (default 15m)')
    .option('--concurrency <n>', 'files in flight at once (default 4)')
    .option('--retries <n>', 'retries per file on network errors, 5xx and 429 (default 3)')
    .option('--timeout <duration>', 'give up on a connection idle this long (default 60s)')
    .option('--presigned <file>', 'presign JSON (or a bare URL) from a file or - for stdin; no API key needed')
    .option('--wait', 'wait for the signed file.committed webhook proving each file arrived intact')
    .option('--wait-timeout <duration>', 'how long --wait waits per file (default 2m)')
    .option('--listen <host:port>', 'address of the --wait listener (default 127.0.0.1, any free port)')
    .option('--public-url <url>', 'URL where the API can reach the --wait listener')
    .option('--lock', 'lock each remote path while uploading it')
    .option('--dry-run', 'show what would be uploaded where, send nothing')
    .option('--no-progress', 'no progress bars')
    .action(async (files: string[], opts, cmd: Command) =>
      (await import('./commands/upload.js')).upload(files, opts, await makeContext(cmd)),
    );

  program
    .command('watch-webhooks')
    .description('run a local listener that verifies signed webhooks and prints the events')
    .option('--host <host>', 'address to listen on (default loopback: 127.0.0.1 and ::1)')
    .option('--port <port>', 'port to listen on, 0 for any free one (default 8787)')
    .option('--path <path>', 'URL path deliveries are posted to (default /webhooks)')
    .option('--secret <secret>', 'signing secret whsec_... (env FASTUP_WEBHOOK_SECRET or config webhook-secret)')
    .option('--tolerance <duration>', 'largest accepted clock difference (default 300s)')
    .option('--register', 'create a temporary webhook endpoint through the API, deleted on exit')
    .option('--public-url <url>', 'URL the API should deliver to (default: the listener\'s own)')
    .option('--events <list>', 'comma-separated event types to accept (default file.committed)')
    .option('--forward-to <url>', 'relay each verified delivery to this URL and answer with its status')
    .option('--count <n>', 'exit after N verified events')
    .option('--timeout <duration>', 'exit (code 7) if not done after this long')
    .action(async (opts, cmd: Command) =>
      (await import('./commands/watch-webhooks.js')).watchWebhooks(opts, await makeContext(cmd)),
    );

  program
    .command('dev-server')
    .description('run a local Fastio-compatible API and upload host (files under --data-dir)')
    .option('--data-dir <dir>', 'where files and state live (default: a per-user data folder)')
    .option('--host <host>', 'address to listen on (default 127.0.0.1)')
    .option('--port <port>', 'port, 0 for any free one (default 8420)')
    .option('--max-file-size <size>', 'workspace file size limit (default 1GiB)')
    .option('--cors-origin <origin>', 'allow browser uploads from this origin (repeatable)', collect)
    .option('--webhook <url>', 'register a webhook endpoint at start (repeatable)', collect)
    .option('--no-profile', 'do not save the server as the config profile "local"')
    .addOption(
      new Option('--fault <spec>', 'TESTING ONLY: inject faults, e.g. put-status=503x2 (see docs/dev-server.md)')
        .argParser(collect)
        .hideHelp(),
    )
    .action(async (opts, cmd: Command) =>
      (await import('./commands/dev-server.js')).devServer(opts, await makeContext(cmd)),
    );

  program
    .command('completion')
    .description('print the shell completion script')
    .argument('<shell>', 'bash, zsh or fish')
    .action(async (shell: string, _opts, cmd: Command) =>
      (await import('./commands/completion.js')).completion(shell, await makeContext(cmd)),
    );

  return program;
}
