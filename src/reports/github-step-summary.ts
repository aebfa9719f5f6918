import { appendFile } from "node:fs/promises";

/**
 * Appends a Markdown report to the GitHub Actions job summary when the job
 * has one (`GITHUB_STEP_SUMMARY` names the file). Returns the file written,
 * or null outside GitHub Actions.
 */
export async function appendGithubStepSummary(
  markdown: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<string | null> {
  const summaryPath = env.GITHUB_STEP_SUMMARY;
  if (summaryPath === undefined || summaryPath === "") return null;
  // Several steps may append to the same summary; keep reports apart.
  await appendFile(summaryPath, `${markdown.endsWith("\n") ? markdown : `${markdown}\n`}\n`, "utf8");
  return summaryPath;
}
