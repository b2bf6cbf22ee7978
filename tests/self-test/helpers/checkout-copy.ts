import { execFileSync } from 'node:child_process';
import { cp, mkdir, realpath, symlink } from 'node:fs/promises';
import path from 'node:path';
import { repositoryRoot } from './child-env';

export type CheckoutCopyOptions = {
  /**
   * What the copy's node_modules links to: this checkout's own (its real folder, so a
   * worktree's link is followed) unless a test gives another, e.g. a folder two copies share.
   */
  nodeModules?: string;
};

/**
 * Copies the checkout's files as git sees them (tracked, and new ones not ignored) to `copy`,
 * with its node_modules linked in: a checkout of the same code with nothing of this one's
 * `.env`, test results or builds, for tests that run the project where a user would.
 */
export async function copyCheckout(copy: string, options: CheckoutCopyOptions = {}): Promise<void> {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: repositoryRoot,
    encoding: 'utf8',
  })
    .split('\0')
    // A node_modules that is itself a link (a git worktree's) is listed as a file: it is linked below.
    .filter((file) => file && file !== 'node_modules');
  for (const file of files) {
    await mkdir(path.dirname(path.join(copy, file)), { recursive: true });
    // A file deleted but not yet staged is listed and absent: it is not part of the checkout.
    await cp(path.join(repositoryRoot, file), path.join(copy, file)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }
  const nodeModules = options.nodeModules ?? (await realpath(path.join(repositoryRoot, 'node_modules')));
  await symlink(nodeModules, path.join(copy, 'node_modules'));
}
