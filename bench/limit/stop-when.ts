// The benchmark servers run as child processes of a harness: they stop on a
// signal, when the harness goes away (its end of their stdin closes), or at
// their time limit, whichever comes first, so none outlives its run.
export function stopWhen(flags: { exitWithStdin: boolean; maxMs: number }, stop: () => void): void {
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  if (flags.exitWithStdin) {
    process.stdin.on('end', stop);
    process.stdin.on('close', stop);
    process.stdin.resume();
  }
  setTimeout(stop, flags.maxMs).unref();
}
