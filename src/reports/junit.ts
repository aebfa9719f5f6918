import { redactReportInput } from "../redact.js";
import type { ComparisonObjectiveBlock, VerdictComparison } from "../core/comparison-block.js";
import type { ObjectiveResult, ReportInput, RequiredTier, Verdict } from "../core/types.js";
import {
  describeRun,
  formatChange,
  formatComparisonVerdict,
  formatFigure,
  formatInterval,
  formatIntervalHeading,
  formatMarginShort,
} from "./comparison-figures.js";
import { describeObjective, formatK6, formatNumber, formatOutcome, formatWindow } from "./format.js";

/**
 * The verdict as JUnit XML: one `<testsuite>` named after the profile, one
 * `<testcase>` per objective (name = objective id, classname
 * `slogate.<source>` so CI UIs group k6 and Prometheus objectives).
 *
 * Outcome mapping, chosen for how Jenkins, GitLab, Azure DevOps and the
 * GitHub JUnit actions render it:
 * - pass → plain testcase;
 * - fail (mandatory) → `<failure>` whose message gives value, bound and tiers;
 * - fail (advisory, not mandatory) → `<skipped message="advisory: …">`: visible,
 *   but it does not turn the build red, just as it does not change the verdict;
 * - inconclusive → `<skipped message="inconclusive: …">`: every CI shows
 *   skipped tests apart from passes and failures, and "could not judge" is
 *   not a defect of the service. The gate is slogate's exit code, which
 *   treats an inconclusive mandatory objective as not passing;
 * - error → `<error>` (slogate could not evaluate it: a tool or query broke).
 *
 * With a baseline (`verdict.comparison`), one more testcase per compared
 * objective, named `<id> vs baseline`, classname `slogate.comparison`:
 * - unchanged, improved → plain testcase;
 * - regressed (mandatory) → `<failure type="regression">`: the change is a
 *   defect, and it fails the run whatever the tiers said;
 * - regressed (informational, not mandatory) → `<skipped message="informational: …">`,
 *   as an advisory objective's miss: shown, not red;
 * - inconclusive → `<skipped message="inconclusive: …">`, whether or not it
 *   held the run back, as an inconclusive objective: the data could not
 *   decide, which is no defect of the change. When it did hold a pass back
 *   (not `--baseline-advisory`), the BASELINE_INCONCLUSIVE finding in the
 *   suite's `<system-out>` says so, and slogate's exit code (2) is the gate.
 * Objectives the evidence cannot compare and the comparison's notes go in
 * the suite's `<system-out>`.
 *
 * The overall verdict, tiers, window and k6 run (and the baseline and the
 * comparison's verdict) go in the suite's `<properties>`; findings in its
 * `<system-out>`.
 */
export function renderJunit(input: ReportInput): string {
  const { verdict } = redactReportInput(input);
  const { comparison } = verdict;
  const counts = { failures: 0, errors: 0, skipped: 0 };
  const bodies = [
    ...verdict.objectives.map((objective) => renderCaseBody(objective, verdict.requiredTier)),
    ...(comparison === undefined
      ? []
      : comparison.objectives.map((objective) => renderComparisonCase(objective, comparison))),
  ];
  const cases = bodies.map((body) => {
    if (body.kind !== "pass") counts[body.kind] += 1;
    return body.xml;
  });

  const suiteName = `slogate ${verdict.profile}`;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="slogate" tests="${cases.length}" failures="${counts.failures}" errors="${counts.errors}" skipped="${counts.skipped}" time="${formatNumber(verdict.window.seconds)}">`,
    `  <testsuite name="${escapeXml(suiteName)}" tests="${cases.length}" failures="${counts.failures}" errors="${counts.errors}" skipped="${counts.skipped}" time="${formatNumber(verdict.window.seconds)}" timestamp="${escapeXml(verdict.window.from)}">`,
    "    <properties>",
    ...renderProperties(verdict, comparison).map((line) => `      ${line}`),
    "    </properties>",
    ...cases,
  ];
  const output = [
    ...verdict.findings.map((finding) => `${finding.severity} ${finding.code}: ${finding.message}`),
    ...(comparison?.skipped ?? []).map((skipped) => `not compared with the baseline: ${skipped.id}: ${skipped.reason}`),
    ...(comparison?.notes ?? []).map((note) => `comparison note: ${note}`),
  ];
  if (output.length > 0) {
    lines.push(`    <system-out>${escapeXml(output.join("\n"))}</system-out>`);
  }
  lines.push("  </testsuite>", "</testsuites>");
  return `${lines.join("\n")}\n`;
}

type CaseBody = { kind: "pass" | "failures" | "errors" | "skipped"; xml: string };

function renderCaseBody(objective: ObjectiveResult, requiredTier: RequiredTier): CaseBody {
  const description = describeObjective(objective, requiredTier);
  const open = `    <testcase name="${escapeXml(objective.id)}" classname="slogate.${escapeXml(objective.source)}">`;
  const detail = `${description}\n${objective.reason}\nsamples: ${objective.samples}; mandatory: ${String(objective.mandatory)}`;
  const systemOut = `      <system-out>${escapeXml(detail)}</system-out>`;
  const close = "    </testcase>";
  const element = (tag: string, type: string, message: string): string =>
    `      <${tag} message="${escapeXml(message)}" type="${type}">${escapeXml(detail)}</${tag}>`;

  switch (objective.verdict) {
    case "pass":
      return { kind: "pass", xml: [open, systemOut, close].join("\n") };
    case "fail":
      if (!objective.mandatory) {
        const skipped = `      <skipped message="${escapeXml(`advisory: ${description}`)}"/>`;
        return { kind: "skipped", xml: [open, skipped, systemOut, close].join("\n") };
      }
      return {
        kind: "failures",
        xml: [open, element("failure", "slo-breach", description), close].join("\n"),
      };
    case "inconclusive": {
      const skipped = `      <skipped message="${escapeXml(`inconclusive: ${objective.reason}`)}"/>`;
      return { kind: "skipped", xml: [open, skipped, systemOut, close].join("\n") };
    }
    case "error":
      return {
        kind: "errors",
        xml: [open, element("error", "evaluation-error", objective.reason), close].join("\n"),
      };
  }
}

function renderComparisonCase(
  objective: ComparisonObjectiveBlock,
  comparison: VerdictComparison,
): CaseBody {
  const open = `    <testcase name="${escapeXml(`${objective.id} vs baseline`)}" classname="slogate.comparison">`;
  const figures =
    `${objective.subject}: ${formatFigure(objective, objective.baseline)} → ${formatFigure(objective, objective.candidate)}, ` +
    `change ${formatChange(objective)}, ${formatIntervalHeading([objective])} ${formatInterval(objective)}, margin ${formatMarginShort(objective)}`;
  const detail = [
    figures,
    objective.reason,
    ...(objective.method === null ? [] : [`method: ${objective.method}`]),
    `baseline: ${describeRun(comparison.baseline)}; mandatory: ${String(objective.mandatory)}`,
  ].join("\n");
  const systemOut = `      <system-out>${escapeXml(detail)}</system-out>`;
  const close = "    </testcase>";
  const skipped = (message: string): CaseBody => ({
    kind: "skipped",
    xml: [open, `      <skipped message="${escapeXml(message)}"/>`, systemOut, close].join("\n"),
  });
  switch (objective.verdict) {
    case "unchanged":
    case "improved":
      return { kind: "pass", xml: [open, systemOut, close].join("\n") };
    case "regressed": {
      const message = `${objective.id} ${formatComparisonVerdict("regressed")}: ${figures}`;
      if (!objective.mandatory) return skipped(`informational: ${message}`);
      return {
        kind: "failures",
        xml: [
          open,
          `      <failure message="${escapeXml(message)}" type="regression">${escapeXml(detail)}</failure>`,
          close,
        ].join("\n"),
      };
    }
    case "inconclusive":
      return skipped(`inconclusive: ${objective.reason}`);
  }
}

function renderProperties(verdict: Verdict, comparison: VerdictComparison | undefined): string[] {
  const properties: [string, string][] = [
    ["verdict", formatOutcome(verdict.verdict)],
    ["requiredTier", verdict.requiredTier],
    ["achievedTier", verdict.achievedTier ?? "none"],
    ["profile", verdict.profile],
    ["window", formatWindow(verdict.window)],
    ["k6", formatK6(verdict.k6)],
  ];
  if (verdict.run !== undefined) {
    properties.push(["run", verdict.run.id], ["scenario", verdict.run.scenario], ["target", verdict.run.target]);
  }
  if (comparison !== undefined) {
    properties.push(
      ["comparison", formatComparisonVerdict(comparison.verdict)],
      ["baseline", describeRun(comparison.baseline)],
    );
  }
  return properties.map(
    ([name, value]) => `<property name="${escapeXml(name)}" value="${escapeXml(value)}"/>`,
  );
}

/**
 * Escapes text for XML content and double- or single-quoted attributes
 * (line breaks and tabs as character references, which both keep).
 * Characters XML 1.0 forbids outright (most C0 controls, lone surrogates,
 * U+FFFE/U+FFFF) cannot be escaped at all, so they become U+FFFD.
 */
export function escapeXml(text: string): string {
  return text
    .replace(
      // eslint-disable-next-line no-control-regex -- XML 1.0 forbids these characters; finding them is the point
      /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
      "\ufffd",
    )
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;")
    // Parsers fold raw line breaks and tabs in attributes into spaces.
    .replace(/[\n\r\t]/g, (char) => `&#${char.charCodeAt(0)};`);
}
