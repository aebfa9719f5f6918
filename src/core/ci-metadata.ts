import { redactUrl } from "../redact.js";
import type { CiMetadata } from "./run-metadata.js";

export type { CiMetadata };

type Env = Readonly<Record<string, string | undefined>>;

function read(env: Env, name: string): string | null {
  const value = env[name]?.trim();
  return value ? value : null;
}

/**
 * The commit, branch and run URL from the CI's usual environment variables
 * (GitHub Actions, GitLab CI), or null outside CI. Pure: pass process.env.
 * On a GitHub pull request GITHUB_REF_NAME is `<n>/merge`, so the source
 * branch (GITHUB_HEAD_REF) is preferred when set.
 */
export function readCiMetadata(env: Env): CiMetadata | null {
  const githubSha = read(env, "GITHUB_SHA");
  if (githubSha !== null || read(env, "GITHUB_ACTIONS") === "true") {
    const server = read(env, "GITHUB_SERVER_URL");
    const repository = read(env, "GITHUB_REPOSITORY");
    const runId = read(env, "GITHUB_RUN_ID");
    return {
      provider: "github",
      commit: githubSha,
      branch: read(env, "GITHUB_HEAD_REF") ?? read(env, "GITHUB_REF_NAME"),
      runUrl:
        server && repository && runId
          ? redactUrl(`${server.replace(/\/+$/, "")}/${repository}/actions/runs/${runId}`)
          : null,
    };
  }
  const gitlabSha = read(env, "CI_COMMIT_SHA");
  if (gitlabSha !== null || read(env, "GITLAB_CI") === "true") {
    const jobUrl = read(env, "CI_JOB_URL");
    return {
      provider: "gitlab",
      commit: gitlabSha,
      branch: read(env, "CI_COMMIT_REF_NAME"),
      runUrl: jobUrl === null ? null : redactUrl(jobUrl),
    };
  }
  return null;
}
