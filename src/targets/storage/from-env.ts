import { createPostgresStorage } from "./postgres.js";
import type { TargetStorage } from "./storage.js";

/**
 * The store the reference service should use: PostgreSQL when DATABASE_URL
 * is set (schema `slogate`, reseeded at start), otherwise undefined, meaning
 * startTargets' in-memory default. The caller owns and closes what it gets.
 */
export async function openStorageFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): Promise<TargetStorage | undefined> {
  const url = env.DATABASE_URL?.trim();
  if (!url) return undefined;
  return createPostgresStorage({ connectionString: url });
}
