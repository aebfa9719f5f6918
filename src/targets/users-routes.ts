import { formatPage, readPageRequest, readParam } from "./list-query.js";
import {
  HttpProblem,
  replyError,
  replyJson,
  type Reply,
  type RouteDefinition,
  type RouteInput,
} from "./reply.js";
import type {
  TargetStorage,
  User,
  UserInput,
  UserRole,
  UserSortField,
  UserWriteResult,
} from "./storage/storage.js";

const USERS = "/api/v1/users";
const USER = "/api/v1/users/:id";
const SORTS: Record<string, { field: UserSortField; descending: boolean }> = {
  name: { field: "name", descending: false },
  "-name": { field: "name", descending: true },
  createdAt: { field: "createdAt", descending: false },
  "-createdAt": { field: "createdAt", descending: true },
};
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** GET/POST /api/v1/users and GET/PUT/PATCH/DELETE /api/v1/users/:id. */
export function createUserRoutes(storage: TargetStorage): RouteDefinition[] {
  const api = true;
  return [
    { method: "GET", template: USERS, api, handler: (input) => listUsers(storage, input) },
    { method: "POST", template: USERS, api, handler: (input) => createUser(storage, input) },
    { method: "GET", template: USER, api, handler: (input) => getUser(storage, input) },
    {
      method: "PUT",
      template: USER,
      api,
      handler: async (input) =>
        replyWrite(await storage.replaceUser(readId(input), readUserInput(input.body))),
    },
    {
      method: "PATCH",
      template: USER,
      api,
      handler: async (input) =>
        replyWrite(await storage.updateUser(readId(input), readUserPatch(input.body))),
    },
    {
      method: "DELETE",
      template: USER,
      api,
      handler: async (input) =>
        (await storage.deleteUser(readId(input)))
          ? { kind: "empty", status: 204 }
          : replyError(404, "no such user"),
    },
  ];
}

async function getUser(storage: TargetStorage, input: RouteInput): Promise<Reply> {
  const user = await storage.getUser(readId(input));
  return user === undefined ? replyError(404, "no such user") : replyJson(200, user);
}

async function listUsers(storage: TargetStorage, { query }: RouteInput): Promise<Reply> {
  const sortToken = readParam(query, "sort") ?? "id";
  const sort = sortToken === "id" ? { field: "id" as const, descending: false } : SORTS[sortToken];
  if (sort === undefined) {
    throw new HttpProblem(400, "sort must be one of name, -name, createdAt, -createdAt", "sort");
  }
  const role = readParam(query, "role");
  if (role !== undefined && !isRole(role)) {
    throw new HttpProblem(400, "role must be user or admin", "role");
  }
  const email = readParam(query, "email");
  const q = readParam(query, "q");
  const page = readPageRequest(query, sortToken);
  const result = await storage.listUsers({
    filter: {
      ...(role === undefined ? {} : { role }),
      ...(email === undefined ? {} : { email }),
      ...(q === undefined || q === "" ? {} : { nameContains: q }),
    },
    sort,
    ...page,
  });
  const body = formatPage(result, page, { ...sort, token: sortToken }, (u: User) => u[sort.field]);
  return replyJson(200, body);
}

async function createUser(storage: TargetStorage, { body }: RouteInput): Promise<Reply> {
  const result = await storage.createUser(readUserInput(body));
  if (result.kind !== "ok") return replyWrite(result);
  return replyJson(201, result.user, { location: `${USERS}/${result.user.id}` });
}

function replyWrite(result: UserWriteResult): Reply {
  switch (result.kind) {
    case "ok":
      return replyJson(200, result.user);
    case "conflict":
      return replyError(409, "a user with this email already exists", result.field);
    case "not-found":
      return replyError(404, "no such user");
  }
}

/** Ids are positive integers; anything else names no user, hence 404 rather than 400. */
function readId({ params }: RouteInput): number {
  const text = params.id ?? "";
  const id = /^[1-9]\d{0,14}$/.test(text) ? Number(text) : NaN;
  if (Number.isNaN(id)) throw new HttpProblem(404, "no such user");
  return id;
}

function isRole(value: unknown): value is UserRole {
  return value === "user" || value === "admin";
}

function readObject(body: unknown): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new HttpProblem(422, "body must be a JSON object");
  }
  return body as Record<string, unknown>;
}

function readField(body: Record<string, unknown>, field: keyof UserInput): string {
  const value = body[field];
  switch (field) {
    case "name":
      if (typeof value !== "string" || value.trim() === "" || value.length > 100) {
        throw new HttpProblem(
          422,
          "name must be a non-empty string of at most 100 characters",
          field,
        );
      }
      return value;
    case "email":
      if (typeof value !== "string" || value.length > 254 || !EMAIL.test(value)) {
        throw new HttpProblem(422, "email must be an email address", field);
      }
      return value;
    case "role":
      if (!isRole(value)) throw new HttpProblem(422, "role must be user or admin", field);
      return value;
  }
}

/** POST and PUT: name and email required, role defaults to "user". */
function readUserInput(body: unknown): UserInput {
  const object = readObject(body);
  return {
    name: readField(object, "name"),
    email: readField(object, "email"),
    role: object.role === undefined ? "user" : (readField(object, "role") as UserRole),
  };
}

/** PATCH: any non-empty subset of name, email, role. */
function readUserPatch(body: unknown): Partial<UserInput> {
  const object = readObject(body);
  const patch: Partial<UserInput> = {};
  if (object.name !== undefined) patch.name = readField(object, "name");
  if (object.email !== undefined) patch.email = readField(object, "email");
  if (object.role !== undefined) patch.role = readField(object, "role") as UserRole;
  if (Object.keys(patch).length === 0) {
    throw new HttpProblem(422, "send at least one of name, email, role");
  }
  return patch;
}
