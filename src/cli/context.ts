/**
 * What the entry point lends each command's wiring: the process's one abort
 * signal and its exit code. Only cli/main.ts touches `process` for these.
 */
export interface CliContext {
  /**
   * For a command that a signal interrupts (run, capacity, demo): aborted on
   * the first SIGINT/SIGTERM with the signal's name as reason. The command
   * stops early and reports what it has; the process then exits 128 + n,
   * whatever the command found. Asking installs the signal handlers: a
   * command that never asks is ended by a signal at once, as by default.
   */
  interruptSignal(): AbortSignal;
  /**
   * For a service that runs until stopped (targets start, serve): the same
   * abort is how it stops, so the process exits 0 once it is down.
   */
  stopSignal(): AbortSignal;
  /** The code the process exits with once the command has returned. */
  setExitCode(code: number): void;
}
