/**
 * A STUN binding responder on 127.0.0.1 for full (non-lite) werift agents: the SFU's server peers and the bench's
 * Node clients.
 *
 * A full werift agent always asks a STUN server for a server-reflexive candidate, and when none is configured it uses
 * stun.l.google.com:19302 even with `iceServers: []`. Pointing it at this responder keeps every packet on this machine
 * and gathering fast. It answers Binding requests with XOR-MAPPED-ADDRESS (RFC 5389) and nothing else.
 */
import { createSocket, type Socket } from 'node:dgram';

const MAGIC_COOKIE = 0x2112a442;
const BINDING_REQUEST = 0x0001;
const BINDING_SUCCESS = 0x0101;
const XOR_MAPPED_ADDRESS = 0x0020;

export interface LoopbackStun {
  /** `stun:127.0.0.1:<port>` for RTCConfiguration.iceServers. */
  readonly url: string;
  close(): Promise<void>;
}

let shared: { stun: LoopbackStun; users: number } | undefined;
let starting: Promise<LoopbackStun> | undefined;

function respond(socket: Socket, msg: Buffer, address: string, port: number): void {
  if (msg.length < 20 || msg.readUInt16BE(0) !== BINDING_REQUEST || msg.readUInt32BE(4) !== MAGIC_COOKIE) return;
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(address)) return; // IPv4 only, like the clients
  const res = Buffer.alloc(32);
  res.writeUInt16BE(BINDING_SUCCESS, 0);
  res.writeUInt16BE(12, 2); // attribute bytes
  res.writeUInt32BE(MAGIC_COOKIE, 4);
  msg.copy(res, 8, 8, 20); // transaction id
  res.writeUInt16BE(XOR_MAPPED_ADDRESS, 20);
  res.writeUInt16BE(8, 22);
  res.writeUInt8(0x01, 25); // family IPv4
  res.writeUInt16BE(port ^ (MAGIC_COOKIE >>> 16), 26);
  const ip = address.split('.').reduce((acc, octet) => ((acc << 8) | Number(octet)) >>> 0, 0);
  res.writeUInt32BE((ip ^ MAGIC_COOKIE) >>> 0, 28);
  socket.send(res, port, address);
}

export async function startLoopbackStun(): Promise<LoopbackStun> {
  const socket = createSocket('udp4');
  socket.on('message', (msg, rinfo) => respond(socket, msg, rinfo.address, rinfo.port));
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  socket.unref();
  return {
    url: `stun:127.0.0.1:${socket.address().port}`,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/** One responder per process, shared by all clients; released when the last user releases it. */
export async function acquireLoopbackStun(): Promise<{ url: string; release: () => Promise<void> }> {
  if (!shared) {
    starting ??= startLoopbackStun();
    const stun = await starting;
    shared ??= { stun, users: 0 };
  }
  const entry = shared;
  entry.users++;
  let released = false;
  return {
    url: entry.stun.url,
    release: async () => {
      if (released) return;
      released = true;
      entry.users--;
      if (entry.users === 0 && shared === entry) {
        shared = undefined;
        starting = undefined;
        await entry.stun.close();
      }
    },
  };
}
