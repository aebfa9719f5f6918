import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemoryStorage } from "../../src/targets/storage/memory.js";
import { startTargets, type RunningTargets } from "../../src/targets/start-targets.js";
import { call, type ListBody, type UserBody } from "./http-client.js";

// The test's own users, on an empty store: every expected order and count
// below is computed from this list, not from the service.
const PEOPLE = [
  "Zoe Quinn",
  "adam smith",
  "Maria Lopez",
  "Maria Lopez",
  "Bob Stone",
  "Émile Zola",
  "Carla Diaz",
  "Dev Patel",
  "Eve Adams",
  "Frank Wu",
  "Gina Marsh",
  "Hugo Berg",
  "Ivy Chen",
  "Jon Snow",
  "Kim Park",
  "Leo Roth",
  "Mia Wong",
  "Ned Kelly",
  "Olga Ivanova",
  "Pete Sampras",
  "Quinn Fabray",
  "Rosa Parks",
  "Sam Hill",
  "Tina Turner",
  "Uma Thurman",
];
const people = PEOPLE.map((name, i) => ({
  name,
  email: `p${i}@Example.org`,
  role: i % 4 === 0 ? "admin" : "user",
}));

let targets: RunningTargets;
let ids: number[] = [];

beforeAll(async () => {
  targets = await startTargets({
    storage: createMemoryStorage({ seedUsers: 0 }),
    rateLimit: false,
  });
  ids = [];
  for (const person of people) {
    const created = await call<UserBody>(targets.url, "POST", "/api/v1/users", person);
    expect(created.status).toBe(201);
    ids.push(created.body.id);
  }
});
afterAll(() => targets.close());

/** Code-unit order with id as tie-break: what a binary collation gives. */
function expectedIdsByName(descending: boolean): number[] {
  const rows = people.map((p, i) => ({ name: p.name, id: ids[i] ?? 0 }));
  rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id - b.id));
  if (descending) rows.reverse();
  return rows.map((r) => r.id);
}

async function walkWithCursor(
  query: string,
  limit: number,
): Promise<{ ids: number[]; pages: number }> {
  const seen: number[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const suffix = cursor === undefined ? "" : `&cursor=${encodeURIComponent(cursor)}`;
    const page = await call<ListBody<UserBody>>(
      targets.url,
      "GET",
      `/api/v1/users?limit=${limit}${query}${suffix}`,
    );
    expect(page.status).toBe(200);
    seen.push(...page.body.data.map((u) => u.id));
    cursor = page.body.page.nextCursor;
    pages++;
  } while (cursor !== undefined && pages < 50);
  return { ids: seen, pages };
}

describe("users: status codes", () => {
  const cases: { name: string; method: string; path: string; body?: unknown; status: number }[] = [
    { name: "malformed JSON", method: "POST", path: "/api/v1/users", body: "{name:", status: 400 },
    { name: "empty body", method: "POST", path: "/api/v1/users", body: "", status: 400 },
    { name: "array body", method: "POST", path: "/api/v1/users", body: [], status: 422 },
    {
      name: "missing email",
      method: "POST",
      path: "/api/v1/users",
      body: { name: "A" },
      status: 422,
    },
    {
      name: "bad email",
      method: "POST",
      path: "/api/v1/users",
      body: { name: "A", email: "nope" },
      status: 422,
    },
    {
      name: "blank name",
      method: "POST",
      path: "/api/v1/users",
      body: { name: " ", email: "a@b.io" },
      status: 422,
    },
    {
      name: "bad role",
      method: "POST",
      path: "/api/v1/users",
      body: { name: "A", email: "a@b.io", role: "root" },
      status: 422,
    },
    {
      name: "duplicate email, other case",
      method: "POST",
      path: "/api/v1/users",
      body: { name: "A", email: "P0@example.ORG" },
      status: 409,
    },
    { name: "unknown id", method: "GET", path: "/api/v1/users/999999", status: 404 },
    { name: "non-numeric id", method: "GET", path: "/api/v1/users/abc", status: 404 },
    {
      name: "PUT unknown id",
      method: "PUT",
      path: "/api/v1/users/999999",
      body: { name: "A", email: "z@z.io" },
      status: 404,
    },
    {
      name: "PUT missing name",
      method: "PUT",
      path: "/api/v1/users/1",
      body: { email: "z@z.io" },
      status: 422,
    },
    { name: "PATCH nothing", method: "PATCH", path: "/api/v1/users/1", body: {}, status: 422 },
    {
      name: "PATCH to a taken email",
      method: "PATCH",
      path: "/api/v1/users/2",
      body: { email: "p0@example.org" },
      status: 409,
    },
    { name: "DELETE unknown", method: "DELETE", path: "/api/v1/users/999999", status: 404 },
    { name: "limit 0", method: "GET", path: "/api/v1/users?limit=0", status: 400 },
    { name: "limit 101", method: "GET", path: "/api/v1/users?limit=101", status: 400 },
    { name: "limit not a number", method: "GET", path: "/api/v1/users?limit=ten", status: 400 },
    { name: "negative offset", method: "GET", path: "/api/v1/users?offset=-1", status: 400 },
    { name: "unknown sort", method: "GET", path: "/api/v1/users?sort=email", status: 400 },
    { name: "unknown role filter", method: "GET", path: "/api/v1/users?role=boss", status: 400 },
    { name: "garbage cursor", method: "GET", path: "/api/v1/users?cursor=%%%", status: 400 },
    {
      name: "offset and cursor",
      method: "GET",
      path: "/api/v1/users?offset=1&cursor=eyJ9",
      status: 400,
    },
    { name: "repeated limit", method: "GET", path: "/api/v1/users?limit=1&limit=2", status: 400 },
    { name: "unknown route", method: "GET", path: "/api/v2/users", status: 404 },
  ];
  it.each(cases)("$name → $status", async ({ method, path, body, status }) => {
    const result = await call<{ error?: string }>(targets.url, method, path, body);
    expect(result.status).toBe(status);
    expect(typeof result.body.error).toBe("string");
  });
});

describe("users: CRUD", () => {
  it("creates with 201 and Location, reads, replaces, patches and deletes", async () => {
    const created = await call<UserBody>(targets.url, "POST", "/api/v1/users", {
      name: "Temp",
      email: "temp@x.io",
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "Temp", email: "temp@x.io", role: "user" });
    const location = created.headers.get("location") ?? "";
    expect(location).toBe(`/api/v1/users/${created.body.id}`);
    expect((await call<UserBody>(targets.url, "GET", location)).body).toEqual(created.body);

    const put = await call<UserBody>(targets.url, "PUT", location, {
      name: "Temp 2",
      email: "t2@x.io",
      role: "admin",
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      id: created.body.id,
      name: "Temp 2",
      email: "t2@x.io",
      role: "admin",
    });
    expect(put.body.createdAt).toBe(created.body.createdAt);

    const patch = await call<UserBody>(targets.url, "PATCH", location, { role: "user" });
    expect(patch.status).toBe(200);
    expect(patch.body).toMatchObject({ name: "Temp 2", email: "t2@x.io", role: "user" });

    expect((await call(targets.url, "DELETE", location)).status).toBe(204);
    expect((await call(targets.url, "GET", location)).status).toBe(404);
    // The email is free again once its user is gone.
    const again = await call(targets.url, "POST", "/api/v1/users", { name: "T", email: "T2@x.io" });
    expect(again.status).toBe(201);
    await call(targets.url, "DELETE", again.headers.get("location") ?? "");
  });
});

describe("users: listing", () => {
  it("pages by offset with total and limit echoed", async () => {
    const page = await call<ListBody<UserBody>>(
      targets.url,
      "GET",
      "/api/v1/users?limit=10&offset=20",
    );
    expect(page.body.page).toMatchObject({ limit: 10, offset: 20, total: people.length });
    expect(page.body.data.map((u) => u.id)).toEqual(ids.slice(20, 30));
    expect(page.body.page.nextCursor).toBeUndefined();
  });

  it("defaults to 20 per page", async () => {
    const page = await call<ListBody<UserBody>>(targets.url, "GET", "/api/v1/users");
    expect(page.body.data).toHaveLength(20);
    expect(page.body.page.nextCursor).toEqual(expect.any(String));
  });

  it.each([
    { sort: "name", expected: () => expectedIdsByName(false) },
    { sort: "-name", expected: () => expectedIdsByName(true) },
    { sort: "createdAt", expected: () => ids },
    { sort: "-createdAt", expected: () => [...ids].reverse() },
  ])("walks every user once with a cursor, sort=$sort", async ({ sort, expected }) => {
    const walk = await walkWithCursor(`&sort=${sort}`, 7);
    expect(walk.ids).toEqual(expected());
    expect(walk.pages).toBe(Math.ceil(people.length / 7));
  });

  it("refuses a cursor under another sort", async () => {
    const first = await call<ListBody<UserBody>>(
      targets.url,
      "GET",
      "/api/v1/users?limit=2&sort=name",
    );
    const cursor = encodeURIComponent(first.body.page.nextCursor ?? "");
    const other = await call(
      targets.url,
      "GET",
      `/api/v1/users?limit=2&sort=-name&cursor=${cursor}`,
    );
    expect(other.status).toBe(400);
  });

  it("keeps a cursor stable when a row is inserted before it", async () => {
    const first = await call<ListBody<UserBody>>(
      targets.url,
      "GET",
      "/api/v1/users?limit=5&sort=name",
    );
    const early = await call<UserBody>(targets.url, "POST", "/api/v1/users", {
      name: "AAA First",
      email: "aaa@x.io",
    });
    const cursor = encodeURIComponent(first.body.page.nextCursor ?? "");
    const second = await call<ListBody<UserBody>>(
      targets.url,
      "GET",
      `/api/v1/users?limit=5&sort=name&cursor=${cursor}`,
    );
    expect(second.body.data.map((u) => u.id)).toEqual(expectedIdsByName(false).slice(5, 10));
    await call(targets.url, "DELETE", `/api/v1/users/${early.body.id}`);
  });

  it.each([
    { query: "role=admin", matches: (p: (typeof people)[number]) => p.role === "admin" },
    {
      query: "q=maria",
      matches: (p: (typeof people)[number]) => p.name.toLowerCase().includes("maria"),
    },
    { query: "q=ON", matches: (p: (typeof people)[number]) => p.name.toLowerCase().includes("on") },
    {
      query: "email=P3%40EXAMPLE.org",
      matches: (p: (typeof people)[number]) => p.email === "p3@Example.org",
    },
    {
      query: "role=user&q=a",
      matches: (p: (typeof people)[number]) =>
        p.role === "user" && p.name.toLowerCase().includes("a"),
    },
  ])("filters by $query", async ({ query, matches }) => {
    const expected = ids.filter((_, i) => matches(people[i] ?? people[0]!));
    const page = await call<ListBody<UserBody>>(
      targets.url,
      "GET",
      `/api/v1/users?limit=100&${query}`,
    );
    expect(page.body.page.total).toBe(expected.length);
    expect(page.body.data.map((u) => u.id)).toEqual(expected);
  });
});
