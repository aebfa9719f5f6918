#!/usr/bin/env node
import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { isToolError } from "../errors.js";
import { registerCapacityCommand } from "./capacity-command.js";
import { registerCompareCommand } from "./compare-command.js";
import type { CliContext } from "./context.js";
import { ERROR_EXIT, EXIT_HELP, SIGNAL_EXIT, type StopSignal } from "./exit-codes.js";
import {
  registerArgoCommand,
  registerK8sCommands,
  registerRulesCommand,
} from "./generator-commands.js";
import {
  registerInitCommand,
  registerScenariosCommand,
  registerServeCommand,
  registerSetupCommand,
  registerTargetsCommands,
} from "./service-commands.js";
import { registerVerdictCommands } from "./verdict-commands.js";

// The entry point owns the process: its signals, its exit code, and how an
// error is told. Commands get an AbortSignal and return what they found.

/** The package's own version: dist/cli/main.js sits two folders below package.json. */
function readPackageVersion(): string {
  const text = readFileSync(new URL("../../package.json", import.meta.url), "utf8");
  return (JSON.parse(text) as { version: string }).version;
}

/** Aborted on the first SIGINT/SIGTERM, with the signal's name as reason. */
const controller = new AbortController();
/** What an abort means for the running command; null until one asks for the signal. */
let signalMeans: "interrupt" | "stop" | null = null;
let received: StopSignal | null = null;
let exitCode = 0;

function onSignal(signal: StopSignal): void {
  if (received !== null) {
    // A second signal: the user will not wait for k6 to write its results.
    process.stderr.write(`slogate: ${signal}: a second signal; exiting now\n`);
    process.exit(SIGNAL_EXIT[signal]);
  }
  received = signal;
  if (signalMeans === "interrupt") {
    process.stderr.write(
      `slogate: ${signal}: stopping after writing what was measured; a second one exits at once\n`,
    );
  }
  controller.abort(signal);
}

function listenForSignals(means: "interrupt" | "stop"): AbortSignal {
  if (signalMeans === null) {
    process.on("SIGINT", () => onSignal("SIGINT"));
    process.on("SIGTERM", () => onSignal("SIGTERM"));
  }
  signalMeans = means;
  return controller.signal;
}

const cli: CliContext = {
  interruptSignal: () => listenForSignals("interrupt"),
  stopSignal: () => listenForSignals("stop"),
  setExitCode: (code) => {
    exitCode = code;
  },
};

/** An interrupted command exits 128 + n whatever it found; a stopped service as it says. */
function finalExitCode(code: number): number {
  return received !== null && signalMeans === "interrupt" ? SIGNAL_EXIT[received] : code;
}

const program = new Command()
  .name("slogate")
  .description("Load tests with k6, verdicts against SLO tiers.")
  .version(readPackageVersion())
  // Usage errors must exit 3, not commander's 1 (which reads as a failed
  // SLO), with one line rather than the whole help: commander throws instead
  // of exiting and prints nothing; the catch at the end reports it.
  // Subcommands inherit both settings when they are created.
  .exitOverride()
  .configureOutput({ outputError: () => undefined })
  .addHelpText("after", EXIT_HELP);

// In the order `slogate --help` lists them.
registerSetupCommand(program);
registerInitCommand(program);
registerScenariosCommand(program);
registerTargetsCommands(program, cli);
registerVerdictCommands(program, cli);
registerCompareCommand(program, cli);
registerCapacityCommand(program, cli);
registerArgoCommand(program);
registerRulesCommand(program, cli);
registerServeCommand(program, cli);
registerK8sCommands(program);

/** The subcommands the user typed (`["targets", "start"]`), for the help hint. */
function findCommandPath(root: Command, args: readonly string[]): string[] {
  const names: string[] = [];
  let current = root;
  for (const arg of args) {
    const sub = current.commands.find((c) => c.name() === arg || c.aliases().includes(arg));
    if (!sub) break;
    names.push(sub.name());
    current = sub;
  }
  return names;
}

/** Commander's parse errors: --help/--version end 0, every usage error 3 with one line. */
function reportCommanderError(error: CommanderError): number {
  if (error.exitCode === 0) return 0;
  // "commander.help": no subcommand given, the help is already on stderr.
  if (error.code !== "commander.help") {
    const command = ["slogate", ...findCommandPath(program, process.argv.slice(2))].join(" ");
    const message = error.message.replace(/^error: /, "").replace(/\s*\n\s*/g, " ");
    process.stderr.write(`slogate: ${message}; see \`${command} --help\`\n`);
  }
  return ERROR_EXIT;
}

/** One line for the user's mistakes (ToolError), a stack for slogate's own bugs. */
function reportError(error: unknown): number {
  if (error instanceof CommanderError) return reportCommanderError(error);
  if (isToolError(error)) {
    process.stderr.write(`slogate: ${error.message}\n`);
  } else {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`slogate: internal error: ${detail}\n`);
  }
  return ERROR_EXIT;
}

program.parseAsync(process.argv).then(
  () => {
    process.exitCode = finalExitCode(exitCode);
  },
  (error: unknown) => {
    process.exitCode = finalExitCode(reportError(error));
  },
);
