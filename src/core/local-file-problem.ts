// What a failed stat() of a local file means to a user, said alike by upload and presign --file.
export function statProblem(err: unknown): { message: string; hint: string } {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return { message: 'no such file', hint: 'check the path' };
  if (code === 'EACCES' || code === 'EPERM') return { message: 'permission denied', hint: "check the file's permissions" };
  if (code === 'ELOOP') return { message: 'too many levels of symbolic links', hint: 'check where the link points' };
  return { message: `cannot read: ${(err as Error).message}`, hint: 'check the path' };
}

