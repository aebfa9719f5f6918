/**
 * Durations: parsed from the environment, scaled by TIME_SCALE and written
 * back in the Go duration syntax k6 reads ("2m", "1.5s", "300ms").
 */
import { readNumber, readRaw, ScenarioEnvError } from "./env.js";

/**
 * The shortest a scaled phase may be. Zero-length stages are rejected by k6,
 * and a phase shorter than a second holds too few iterations to mean anything.
 */
export const MIN_SCALED_SECONDS = 1;

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };

/** Seconds from "90", "500ms", "30s", "2m", "1h30m", "1.5m"; null when it is none of these. */
export function parseDurationSeconds(text: string): number | null {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(trimmed)) return null;
  let total = 0;
  for (const match of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    total += Number(match[1]) * (UNIT_SECONDS[match[2] ?? ""] ?? NaN);
  }
  return Number.isFinite(total) ? total : null;
}

/** A k6 duration string for `seconds`, exact to the millisecond. */
export function formatDuration(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  if (ms <= 0) return "0s";
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** TIME_SCALE, the factor every phase duration is multiplied by (1 by default; CI uses e.g. 0.05). */
export function readTimeScale(): number {
  return readNumber("TIME_SCALE", 1, {
    above: 0,
    max: 100,
    meaning: "a factor above 0 that multiplies every duration, e.g. 0.05 for a short CI run",
  });
}

/**
 * A phase duration in seconds: `DURATION_<NAME>` when set (e.g.
 * DURATION_STEADY=10m), else `defaultSeconds`; then multiplied by TIME_SCALE,
 * so an override and a default shrink alike in CI.
 */
export function readPhaseSeconds(name: string, defaultSeconds: number, timeScale: number): number {
  const variable = `DURATION_${name.toUpperCase()}`;
  const raw = readRaw(variable);
  let seconds = defaultSeconds;
  if (raw !== undefined) {
    const parsed = parseDurationSeconds(raw);
    if (parsed === null || parsed <= 0) {
      throw new ScenarioEnvError(
        `${variable}=${raw} is not a duration; use e.g. 90s, 5m or 1h30m (default ${formatDuration(defaultSeconds)})`,
      );
    }
    seconds = parsed;
  }
  return Math.max(MIN_SCALED_SECONDS, Math.round(seconds * timeScale * 1000) / 1000);
}
