// The reference for dev-server ingest: a bare node:http server that writes the
// request body to a file and fsyncs it, nothing else (no hashing, no signature).
import { createServer } from 'node:http';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { join } from 'node:path';

const dir = process.argv[2];
let n = 0;
const server = createServer(async (req, res) => {
  const out = createWriteStream(join(dir, `sink-${n++}`), { flush: true });
  await pipeline(req, out);
  res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
