import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Small real file systems for fault tests: a tmpfs that fills up, and an ext4 image that goes
 * read-only on an error, as a disk with errors=remount-ro does. Both need root (mount); each
 * `…Unavailable()` says why one cannot be made here, or null when it can.
 */
export interface SmallFileSystem {
  dir: string;
  /** Unmounts (lazily, if a process still holds files there) and removes what the test made. */
  remove(): void;
}

const run = (command: string, args: string[]) => execFileSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });

const reason = (error: unknown) => ((error as { stderr?: Buffer }).stderr?.toString().trim() || (error as Error).message).split('\n')[0];

function unmount(dir: string): void {
  try {
    run('umount', [dir]);
  } catch {
    try {
      run('umount', ['-l', dir]);
    } catch {
      // Not mounted (any more).
    }
  }
}

export function mountTmpfs(sizeMb: number): SmallFileSystem {
  const dir = mkdtempSync(join(tmpdir(), 'undersign-tmpfs-'));
  try {
    run('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m`, 'tmpfs', dir]);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    dir,
    remove: () => {
      unmount(dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function tmpfsUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'needs root to mount a small tmpfs (CI runs tests as root)';
  try {
    mountTmpfs(1).remove();
    return null;
  } catch (error) {
    return `cannot mount a tmpfs here: ${reason(error)}`;
  }
}

export interface Ext4Image extends SmallFileSystem {
  /**
   * Records a file-system error (/sys/fs/ext4/<dev>/trigger_fs_error): mounted errors=remount-ro, the
   * file system goes read-only at once, open files too, until it is unmounted: what a disk error does.
   */
  failToReadOnly(): void;
  /** The sysfs file failToReadOnly writes (it exists only on kernels that have it). */
  errorTrigger(): string;
  /** Unmounts and mounts the image again (the journal is replayed): what an operator does after a restart. */
  remount(): void;
}

export function mountExt4(sizeMb: number): Ext4Image {
  const work = mkdtempSync(join(tmpdir(), 'undersign-ext4-'));
  const image = join(work, 'disk.img');
  const dir = join(work, 'mnt');
  const mount = () => {
    run('mount', ['-o', 'loop,errors=remount-ro', image, dir]);
    rmSync(join(dir, 'lost+found'), { recursive: true, force: true });
  };
  try {
    mkdirSync(dir);
    closeSync(openSync(image, 'w'));
    execFileSync('truncate', ['-s', `${sizeMb}M`, image]);
    run('mkfs.ext4', ['-q', '-F', image]);
    mount();
  } catch (error) {
    rmSync(work, { recursive: true, force: true });
    throw error;
  }
  const errorTrigger = () => {
    const line = readFileSync('/proc/mounts', 'utf8').split('\n').find((l) => l.split(' ')[1] === dir);
    if (!line) throw new Error(`${dir} is not mounted`);
    return `/sys/fs/ext4/${line.split(' ')[0]!.replace('/dev/', '')}/trigger_fs_error`;
  };
  return {
    dir,
    errorTrigger,
    failToReadOnly: () => writeFileSync(errorTrigger(), '1'),
    remount: () => {
      run('umount', [dir]);
      mount();
    },
    remove: () => {
      unmount(dir);
      rmSync(work, { recursive: true, force: true });
    },
  };
}

export function ext4Unavailable(): string | null {
  if (process.getuid?.() !== 0) return 'needs root to mount an ext4 image';
  try {
    const probe = mountExt4(8);
    try {
      return existsSync(probe.errorTrigger()) ? null : 'this kernel has no /sys/fs/ext4/<dev>/trigger_fs_error';
    } finally {
      probe.remove();
    }
  } catch (error) {
    return `cannot mount an ext4 image on a loop device here: ${reason(error)}`;
  }
}

/**
 * Fills what is left of the file system holding `dir` with one file, to the last byte it takes;
 * returns its path (delete it to free the space).
 */
export function fillUp(dir: string): string {
  const path = join(dir, 'filler');
  const fd = openSync(path, 'w');
  try {
    for (const size of [1024 * 1024, 64 * 1024, 4096, 512, 1]) {
      const chunk = Buffer.alloc(size, 0x55);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      }
    }
  } finally {
    closeSync(fd);
  }
  return path;
}
