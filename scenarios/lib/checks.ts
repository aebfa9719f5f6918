/**
 * Checks named "<label>: <condition>" so the summary groups them per call,
 * e.g. "POST /api/v1/users: status 201".
 */
import { check } from "k6";
import type { Response } from "k6/http";
import { readJson } from "./http.js";

export type BodyConditions = Record<string, (body: unknown) => boolean>;

/** Status and body conditions of one response as k6 checks; true when all hold. */
export function checkResponse(
  response: Response,
  label: string,
  status: number,
  body: BodyConditions = {},
): boolean {
  const parsed = readJson(response);
  const conditions: Record<string, () => boolean> = {
    [`${label}: status ${status}`]: () => response.status === status,
  };
  for (const [name, holds] of Object.entries(body)) {
    conditions[`${label}: ${name}`] = () => holds(parsed);
  }
  return checkAll(conditions);
}

/** Named conditions as k6 checks; true when all hold. */
export function checkAll(conditions: Record<string, () => boolean>): boolean {
  return check(null, conditions);
}
