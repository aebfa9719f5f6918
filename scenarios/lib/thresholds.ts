/**
 * Thresholds: a scenario's own, merged with SLOGATE_THRESHOLDS, the JSON
 * object (k6 `thresholds` format) slogate writes from the SLO profile.
 */
import type { Threshold } from "k6/options";
import { readRaw, ScenarioEnvError } from "./env.js";

export type Thresholds = Record<string, Threshold[]>;

const EXAMPLE = `{"http_req_duration{phase:steady}":["p(95)<500"]}`;

/** SLOGATE_THRESHOLDS parsed and checked; {} when unset. */
export function readSlogateThresholds(name = "SLOGATE_THRESHOLDS"): Thresholds {
  const raw = readRaw(name);
  if (raw === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ScenarioEnvError(`${name} is not valid JSON; expected an object like ${EXAMPLE}`);
  }
  if (!isPlainObject(parsed)) {
    throw new ScenarioEnvError(`${name} must be a JSON object like ${EXAMPLE}`);
  }
  const thresholds: Thresholds = {};
  for (const [metric, value] of Object.entries(parsed)) {
    if (!Array.isArray(value) || value.length === 0) {
      throw new ScenarioEnvError(
        `${name}: "${metric}" must map to a non-empty array of expressions, e.g. ["p(95)<500"]`,
      );
    }
    thresholds[metric] = value.map((item: unknown, index) =>
      toThreshold(item, `${name}: "${metric}"[${index}]`),
    );
  }
  return thresholds;
}

function toThreshold(item: unknown, where: string): Threshold {
  if (typeof item === "string" && item.trim() !== "") return item;
  if (isPlainObject(item) && typeof item.threshold === "string") {
    const { threshold, abortOnFail, delayAbortEval } = item;
    if (abortOnFail !== undefined && typeof abortOnFail !== "boolean") {
      throw new ScenarioEnvError(`${where}.abortOnFail must be true or false`);
    }
    if (delayAbortEval !== undefined && typeof delayAbortEval !== "string") {
      throw new ScenarioEnvError(`${where}.delayAbortEval must be a duration string like "10s"`);
    }
    return {
      threshold,
      ...(abortOnFail === undefined ? {} : { abortOnFail }),
      ...(delayAbortEval === undefined ? {} : { delayAbortEval }),
    };
  }
  throw new ScenarioEnvError(
    `${where} must be an expression string like "p(95)<500" or {"threshold": "...", "abortOnFail": true}`,
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Thresholds of all sets, per metric in order, without exact duplicates: a
 * scenario's guard rails and the SLO profile's objectives both apply.
 */
export function mergeThresholds(...sets: Thresholds[]): Thresholds {
  const merged: Thresholds = {};
  for (const set of sets) {
    for (const [metric, list] of Object.entries(set)) {
      const target = (merged[metric] ??= []);
      for (const threshold of list) {
        const key = JSON.stringify(threshold);
        if (!target.some((existing) => JSON.stringify(existing) === key)) target.push(threshold);
      }
    }
  }
  return merged;
}

/** The scenario's thresholds with SLOGATE_THRESHOLDS merged in. */
export function withSlogateThresholds(own: Thresholds): Thresholds {
  return mergeThresholds(own, readSlogateThresholds());
}
