import { readdir, readFile, readlink } from 'node:fs/promises';
import { endianness } from 'node:os';

/** A listening TCP socket as the kernel lists it. */
export type KernelSocket = { address: string; port: number };

/**
 * The TCP sockets process `pid` listens on, as the kernel lists them, whatever the process
 * claims: the socket inodes among its descriptors (`/proc/PID/fd`, proc(5)) looked up in its
 * network namespace's `/proc/PID/net/tcp` and `tcp6`, where state `0A` is LISTEN
 * (include/net/tcp_states.h). Linux only. Reads files; sends nothing anywhere.
 */
export async function listeningSockets(pid: number): Promise<KernelSocket[]> {
  const inodes = new Set<string>();
  for (const fd of await readdir(`/proc/${pid}/fd`)) {
    // A descriptor may be closed between the listing and the read.
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode !== undefined) inodes.add(inode);
  }
  const sockets: KernelSocket[] = [];
  for (const table of ['tcp', 'tcp6']) {
    // Columns: sl, local_address, rem_address, st, tx:rx queue, tr:when, retrnsmt, uid, timeout, inode.
    for (const line of (await readFile(`/proc/${pid}/net/${table}`, 'utf8')).trim().split('\n').slice(1)) {
      const [, local = '', , state, , , , , , inode = ''] = line.trim().split(/\s+/);
      if (state !== '0A' || !inodes.has(inode)) continue;
      const [address = '', port = ''] = local.split(':');
      sockets.push({ address: decodeAddress(address), port: Number.parseInt(port, 16) });
    }
  }
  return sockets;
}

/** The kernel prints an address as 32-bit words in host byte order, each as 8 hex digits. */
function decodeAddress(hex: string): string {
  const bytes = Buffer.from(hex, 'hex');
  if (endianness() === 'LE')
    for (let word = 0; word < bytes.length; word += 4) bytes.subarray(word, word + 4).reverse();
  if (bytes.length === 4) return [...bytes].join('.');
  const groups = Array.from({ length: 8 }, (_, index) => bytes.readUInt16BE(index * 2).toString(16));
  // The WHATWG URL parser writes an IPv6 address in its shortest form (RFC 5952).
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
}
