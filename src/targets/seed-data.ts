import { createRandom } from "./prng.js";
import type { Product, User } from "./storage/storage.js";

const FIRST_NAMES = ["Ada", "Alan", "Barbara", "Edsger", "Frances", "Grace", "Ken", "Radia"];
const LAST_NAMES = ["Hopper", "Lovelace", "Liskov", "Dijkstra", "Allen", "Turing", "Perlman"];
const CATEGORIES = ["books", "electronics", "garden", "kitchen", "toys"];
const NOUNS = ["Lamp", "Kettle", "Drone", "Atlas", "Trowel", "Puzzle", "Cable", "Mug"];

/** Fixed so that seeded rows are identical on every start. */
const SEED_EPOCH_MS = Date.UTC(2024, 0, 1);

/**
 * Users 1..count, deterministic: every tenth is an admin, names repeat across
 * the alphabet so that name filters and sorts have work to do, and createdAt
 * rises one minute per user.
 */
export function generateSeedUsers(count: number): User[] {
  const users: User[] = [];
  for (let id = 1; id <= count; id++) {
    const first = FIRST_NAMES[id % FIRST_NAMES.length] ?? "Ada";
    const last = LAST_NAMES[Math.floor(id / FIRST_NAMES.length) % LAST_NAMES.length] ?? "Hopper";
    const at = new Date(SEED_EPOCH_MS + id * 60_000).toISOString();
    users.push({
      id,
      name: `${first} ${last} ${id}`,
      email: `user${id}@example.com`,
      role: id % 10 === 0 ? "admin" : "user",
      createdAt: at,
      updatedAt: at,
    });
  }
  return users;
}

/** Products 1..count with prices and stock drawn from a fixed seed. */
export function generateSeedProducts(count: number): Product[] {
  const random = createRandom(20240101);
  const products: Product[] = [];
  for (let id = 1; id <= count; id++) {
    const noun = NOUNS[id % NOUNS.length] ?? "Mug";
    products.push({
      id,
      name: `${noun} ${id}`,
      priceCents: 199 + Math.floor(random() * 20_000),
      category: CATEGORIES[id % CATEGORIES.length] ?? "books",
      stock: Math.floor(random() * 500),
    });
  }
  return products;
}
