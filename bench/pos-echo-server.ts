import { createServer, type AddressInfo, type Socket } from 'node:net';

/**
 * The POS bench's floor (`bench/pos-inquiry.bench.ts` forks it): a bare TCP server that cuts
 * 2-byte big-endian length-prefixed frames out of the stream and writes each one straight back,
 * one `write` per frame as the gateway answers. No parsing, no work. Sends its port to the parent
 * over IPC once listening (argv[2], 0 = any free port).
 */

function serve(socket: Socket): void {
  socket.setNoDelay(true);
  let pending: Buffer | undefined;
  socket.on('data', (chunk: Buffer) => {
    let data = pending ? Buffer.concat([pending, chunk]) : chunk;
    pending = undefined;
    while (data.length >= 2) {
      const end = 2 + data.readUInt16BE(0);
      if (data.length < end) break;
      socket.write(data.subarray(0, end));
      data = data.subarray(end);
    }
    if (data.length > 0) pending = Buffer.from(data);
  });
  socket.on('error', () => socket.destroy());
}

const server = createServer(serve);
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
process.on('SIGTERM', () => process.exit(0));
