/**
 * Makes a forked worker exit when its parent goes away, whatever the way: a closed IPC channel
 * (`disconnect`, which a parent's SIGKILL also causes) or a changed `process.ppid` (the child was
 * re-parented). The event handlers only run between macrotasks; long synchronous or
 * microtask-only stretches such as a training step should call the returned check, which is a
 * single getppid system call.
 *
 * @example
 * const checkParent = exitWithParent();
 * for (…) { trainStep(); checkParent(); }
 */
export function exitWithParent(exitCode = 0): () => void {
  const parent = process.ppid;
  const check = () => {
    if (process.ppid !== parent || (process.send && !process.connected)) process.exit(exitCode);
  };
  process.on('disconnect', () => process.exit(exitCode));
  setInterval(check, 1000).unref();
  return check;
}
