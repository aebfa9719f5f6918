import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { DependencyError } from "../errors.js";
import type { UplotAssets } from "./html.js";

let cached: UplotAssets | undefined;

/**
 * uPlot's browser build and stylesheet from the installed `uplot` package,
 * read once per process. The HTML renderer takes them as an argument so it
 * stays free of file access.
 */
export function readUplotAssets(): UplotAssets {
  if (cached !== undefined) return cached;
  const require = createRequire(import.meta.url);
  try {
    const script = readFileSync(require.resolve("uplot/dist/uPlot.iife.min.js"), "utf8");
    const css = readFileSync(require.resolve("uplot/dist/uPlot.min.css"), "utf8");
    cached = { script, css };
    return cached;
  } catch (error) {
    throw new DependencyError(
      "UPLOT_MISSING",
      "the uplot package is not installed (needed for report.html); reinstall slogate's dependencies",
      { cause: error },
    );
  }
}
