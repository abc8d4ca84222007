import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** The TCP ports `pid` listens on (Linux): its socket inodes matched against LISTEN rows of /proc/net/tcp{,6}. */
export function listeningTcpPorts(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1] as string);
    } catch {
      // The descriptor closed while we looked.
    }
  }
  const ports: number[] = [];
  for (const table of ['tcp', 'tcp6']) {
    for (const line of readFileSync(`/proc/${pid}/net/${table}`, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // local_address is "HEXIP:HEXPORT"; st 0A is LISTEN; inode is the tenth column.
      if (cols[3] === '0A' && inodes.has(cols[9] as string)) ports.push(parseInt((cols[1] as string).split(':')[1] as string, 16));
    }
  }
  return ports;
}

/** The argument list `pid` was started with (Linux). */
export function commandLine(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
}
