/**
 * The error for a write that failed. A full disk shows up as ENOSPC, a quota as EDQUOT and a file-size limit
 * (`ulimit -f`) as EFBIG; all three read "no room", which is what a user needs to act on.
 */
export function writeError(path: string, cause: unknown): Error {
  const code = (cause as NodeJS.ErrnoException)?.code;
  const why = code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG' ? 'no room left (disk full, quota or file-size limit); ' : '';
  return new Error(`cannot write ${path}: ${why}${(cause as Error)?.message ?? String(cause)}`);
}
