import { readdir, readFile } from 'node:fs/promises';

/** A token custodian process (lib/custody/custodian-process.ts) as the kernel lists it. */
export type CustodianProcess = { pid: number; parentPid: number; envFile: string | undefined };

/**
 * The token custodians running on this machine: processes whose command line runs the
 * custodian's bundle, with their parent (`/proc/PID/stat`, proc(5)) and the GOTO_ENV_FILE of
 * their environment (`/proc/PID/environ`), which tells whose they are. Linux only.
 */
export async function custodians(): Promise<CustodianProcess[]> {
  const found: CustodianProcess[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    // A process may end between the listing and the reads.
    const commandLine = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (!/custody-custodian-process-[0-9a-f]+\.cjs/.test(commandLine)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // Fields after the command name in parentheses: state, ppid, …
    const parentPid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const environ = await readFile(`/proc/${entry}/environ`, 'utf8').catch(() => '');
    const envFile = environ
      .split('\0')
      .find((variable) => variable.startsWith('GOTO_ENV_FILE='))
      ?.slice('GOTO_ENV_FILE='.length);
    found.push({ pid: Number(entry), parentPid, envFile });
  }
  return found;
}

/**
 * Whether a signal sent to `pid` has been delivered: none is pending for the process or its
 * threads (`SigPnd`, `ShdPnd` of `/proc/PID/status`, proc(5)), or it is gone, which is what
 * a signal it has no handler for does. Linux only.
 */
export async function signalDelivered(pid: number): Promise<boolean> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
  if (status === undefined || /^State:\s+Z/m.test(status)) return true;
  const pending = [...status.matchAll(/^(?:SigPnd|ShdPnd):\s+([0-9a-f]+)$/gm)].map((match) => BigInt(`0x${match[1]}`));
  return pending.length === 2 && pending.every((mask) => mask === 0n);
}
