/**
 * Reading the scenario environment (k6's __ENV). Every bad value throws at
 * init time with one line naming the variable and what to set instead, so k6
 * stops before sending a request (exit 107) rather than running a wrong test.
 */

/** The error every scenario input check throws; its message is the whole story. */
export class ScenarioEnvError extends Error {
  constructor(message: string) {
    super(`slogate scenario: ${message}`);
    this.name = "ScenarioEnvError";
  }
}

/** The raw value, or undefined when unset or blank (`-e RATE=` means "use the default"). */
export function readRaw(name: string): string | undefined {
  const value = __ENV[name];
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
}

/** BASE_URL without its trailing slash; required, http(s) only. */
export function readBaseUrl(name = "BASE_URL"): string {
  const value = readRaw(name);
  if (value === undefined) {
    throw new ScenarioEnvError(
      `${name} is not set; pass the service's address, e.g. -e ${name}=http://127.0.0.1:3000`,
    );
  }
  if (!/^https?:\/\/[^/\s]+/.test(value)) {
    throw new ScenarioEnvError(
      `${name}=${value} is not an http(s) URL; pass e.g. -e ${name}=http://127.0.0.1:3000`,
    );
  }
  return value.replace(/\/+$/, "");
}

export interface NumberRule {
  /** Inclusive lower bound. */
  min?: number;
  /** Exclusive lower bound, for values that must be positive. */
  above?: number;
  max?: number;
  integer?: boolean;
  /** What the number means, for the error message, e.g. "iterations per second". */
  meaning: string;
}

/** A number from the environment, or `fallback` when unset. */
export function readNumber(name: string, fallback: number, rule: NumberRule): number {
  const raw = readRaw(name);
  if (raw === undefined) return fallback;
  // Number("") and Number(" ") are 0 and Number("0x10") is 16; insist on plain decimals.
  const value = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(raw) ? Number(raw) : NaN;
  const problem = describeNumberProblem(value, rule);
  if (problem !== null) {
    throw new ScenarioEnvError(
      `${name}=${raw} ${problem}; set ${name} to ${rule.meaning} (default ${fallback})`,
    );
  }
  return value;
}

function describeNumberProblem(value: number, rule: NumberRule): string | null {
  if (!Number.isFinite(value)) return "is not a number";
  if (rule.integer === true && !Number.isInteger(value)) return "is not a whole number";
  if (rule.above !== undefined && !(value > rule.above)) return `must be above ${rule.above}`;
  if (rule.min !== undefined && value < rule.min) return `must be at least ${rule.min}`;
  if (rule.max !== undefined && value > rule.max) return `must be at most ${rule.max}`;
  return null;
}

/** A comma-separated list of positive numbers, e.g. STRESS_FACTORS=1.5,2,3. */
export function readNumberList(name: string, fallback: number[], meaning: string): number[] {
  const raw = readRaw(name);
  if (raw === undefined) return fallback;
  const parts = raw.split(",").map((part) => part.trim());
  const values = parts.map((part) => (/^\d+(\.\d+)?$/.test(part) ? Number(part) : NaN));
  if (values.length === 0 || values.some((value) => !(value > 0))) {
    throw new ScenarioEnvError(
      `${name}=${raw} is not a comma-separated list of positive numbers; set ${name} to ${meaning}, e.g. ${fallback.join(",")}`,
    );
  }
  return values;
}
