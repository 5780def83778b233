import type { Socket } from 'node:net';

/**
 * Cuts 2-byte big-endian length-prefixed frames out of a socket's stream and hands each one over
 * whole (header included), as the POS bench's own servers (echo, lean reference) read them.
 */
export function onFrames(socket: Socket, handle: (frame: Buffer) => void): void {
  socket.setNoDelay(true);
  let pending: Buffer | undefined;
  socket.on('data', (chunk: Buffer) => {
    let data = pending ? Buffer.concat([pending, chunk]) : chunk;
    pending = undefined;
    while (data.length >= 2) {
      const end = 2 + data.readUInt16BE(0);
      if (data.length < end) break;
      handle(data.subarray(0, end));
      data = data.subarray(end);
    }
    if (data.length > 0) pending = Buffer.from(data);
  });
  socket.on('error', () => socket.destroy());
}
