/**
 * Whether a process with this pid exists. Signal 0 checks without signalling; EPERM means it
 * exists but belongs to another user. Used to tell a crashed run's leftovers from a live run's.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
