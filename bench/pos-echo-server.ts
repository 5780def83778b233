import { createServer, type AddressInfo } from 'node:net';
import { onFrames } from './framed-tcp.js';

/**
 * The POS bench's floor (`bench/pos-inquiry.bench.ts` forks it): a bare TCP server that cuts
 * 2-byte big-endian length-prefixed frames out of the stream and writes each one straight back,
 * one `write` per frame as the gateway answers. No parsing, no work. Sends its port to the parent
 * over IPC once listening (argv[2], 0 = any free port).
 */

const server = createServer((socket) => onFrames(socket, (frame) => socket.write(frame)));
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
process.on('SIGTERM', () => process.exit(0));
