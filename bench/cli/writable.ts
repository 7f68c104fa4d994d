// Output files are checked before a long run or sweep starts, not after it has finished.

import { closeSync, openSync } from 'node:fs';
import { UsageError } from './errors';

/** Fails early if an output file cannot be written, naming the option and why. */
export function checkWritable(option: string, file: string | undefined): void {
  if (file === undefined) return;
  try {
    closeSync(openSync(file, 'a'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such directory'
        : code === 'EISDIR'
          ? 'it is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : String(code);
    throw new UsageError([`${option}: cannot write "${file}" (${why})`]);
  }
}
