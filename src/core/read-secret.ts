// A secret typed at a hidden prompt, or read from standard input (--stdin), so it
// never lands in shell history or the process list.
import { InterruptedError, UsageError } from './errors.js';

export async function readStdinValue(stdin: NodeJS.ReadableStream, limit = 64 * 1024): Promise<string> {
  let text = '';
  for await (const chunk of stdin) {
    text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
    if (text.length > limit) throw new UsageError('the value on standard input is too long');
  }
  // One trailing newline is what `echo` and here-strings add; it is not part of the value.
  return text.replace(/\r?\n$/, '');
}

export async function promptHidden(
  question: string,
  stdin: NodeJS.ReadStream,
  stderr: NodeJS.WritableStream,
): Promise<string> {
  stderr.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  try {
    return await new Promise<string>((resolve, reject) => {
      let value = '';
      const onData = (chunk: string): void => {
        for (const ch of chunk) {
          if (ch === '\r' || ch === '\n' || ch === '\u0004') {
            stdin.off('data', onData);
            resolve(value);
            return;
          }
          if (ch === '\u0003') {
            stdin.off('data', onData);
            // Ctrl-C in raw mode arrives as a character, not as SIGINT.
            reject(new InterruptedError('SIGINT'));
            return;
          }
          if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
          else value += ch;
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    stderr.write('\n');
  }
}
