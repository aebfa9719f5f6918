import type { Unit } from "./types.js";

function trimNumber(value: number, significant: number): string {
  if (value === 0) return "0";
  const text = Number(value.toPrecision(significant)).toString();
  return text.includes("e") ? value.toFixed(6).replace(/\.?0+$/, "") : text;
}

/** A value in its unit for humans: `87.3 ms`, `0.42%`, `812.5 req/s`. */
export function formatValue(value: number, unit: Unit): string {
  switch (unit) {
    case "ms":
      return `${trimNumber(value, 4)} ms`;
    case "ratio":
      return `${trimNumber(value * 100, 3)}%`;
    case "req/s":
      return `${trimNumber(value, 5)} req/s`;
  }
}

/** A count with thousands separators, e.g. `12,345`. */
export function formatCount(count: number): string {
  return Math.round(count).toLocaleString("en-US");
}
