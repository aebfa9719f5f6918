#!/usr/bin/env node
import { Command } from "commander";
import { isToolError } from "./errors.js";

/** Exit codes: the contract CI systems read. */
export const EXIT = { pass: 0, fail: 1, inconclusive: 2, error: 3 } as const;

const program = new Command()
  .name("slogate")
  .description("Load tests with k6, verdicts against SLO tiers.")
  .showHelpAfterError();

program
  .command("setup")
  .description("provision k6 (built from its pinned Go module on first use)")
  .action(async () => {
    const { setup } = await import("./commands/setup.js");
    const result = await setup();
    process.stdout.write(`k6 ${result.k6.version} (${result.k6.source}): ${result.k6.path}\n`);
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  if (isToolError(error)) {
    process.stderr.write(`slogate: ${error.message}\n`);
  } else {
    process.stderr.write(
      `slogate: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exit(EXIT.error);
});
