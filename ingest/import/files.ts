/** Input files of an import: a missing or unreadable file is one coded error, not a stack trace. */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { ErrorCode } from '../../errors/codes';
import { CodedError } from '../../errors/errors';

/**
 * The size of a readable regular file, in bytes. Throws IMPORT_FILE_NOT_FOUND (details: `file`,
 * `reason`) when `path` does not exist, is not a file, or cannot be read. `what` names it in the message.
 */
export async function inputFileSize(path: string, what = 'input file'): Promise<number> {
  const problem = (reason: string): CodedError => new CodedError(ErrorCode.IMPORT_FILE_NOT_FOUND, `${what} ${path} ${reason}`, { file: path, reason });
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw problem('is not a file');
    size = st.size;
    await access(path, constants.R_OK);
  } catch (err) {
    if (err instanceof CodedError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw problem(code === 'ENOENT' || code === 'ENOTDIR' ? 'does not exist' : `cannot be read (${code ?? (err as Error).message})`);
  }
  return size;
}
