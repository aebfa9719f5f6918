import { describe, expect, it } from "vitest";
import { openSidecars } from "../../src/stack/sidecars.js";
import { ConfigError } from "../../src/errors.js";

describe("openSidecars", () => {
  it("refuses --with-postgres beside DATABASE_URL before starting anything, and names both", async () => {
    const opening = openSidecars({
      withPrometheus: false,
      withPostgres: true,
      env: { DATABASE_URL: "postgres://app:s3cret@127.0.0.1:5432/app" },
    });
    await expect(opening).rejects.toThrow(ConfigError);
    await expect(opening).rejects.toThrow(/--with-postgres.*DATABASE_URL/);
    // The message never repeats the URL, so its password cannot leak.
    await expect(opening).rejects.not.toThrow(/s3cret/);
  });

  it("without DATABASE_URL or --with-postgres the service stays in memory", async () => {
    const sidecars = await openSidecars({ withPrometheus: false, env: {} });
    expect(sidecars.storage).toBeUndefined();
    expect(sidecars.databaseUrl).toBeUndefined();
    expect(sidecars.postgres).toBeNull();
    expect(await sidecars.attachPrometheus("http://127.0.0.1:1")).toBeNull();
    await sidecars.close();
  });
});
