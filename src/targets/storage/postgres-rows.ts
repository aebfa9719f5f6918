import type { Order, OrderItem, Product, User, UserRole } from "./storage.js";

/** Rows as the pg driver returns them, and their conversion to the storage contract. */

export interface UserRow {
  id: number;
  name: string;
  email: string;
  role: UserRole;
  created_at: Date;
  updated_at: Date;
}

export interface ProductRow {
  id: number;
  name: string;
  price_cents: number;
  category: string;
  stock: number;
}

export interface OrderRow {
  order_id: string;
  user_id: number;
  items: OrderItem[];
  total_amount: string;
  status: "PENDING" | "PAID";
  created_at: Date;
  paid_at: Date | null;
}

export const MAX_INT4 = 2_147_483_647;
export const UNIQUE_VIOLATION = "23505";

/** Ids a route may pass that an `integer` column cannot hold match no row (as in memory). */
export function isRowId(id: number): boolean {
  return Number.isSafeInteger(id) && id >= 1 && id <= MAX_INT4;
}

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    role: row.role,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function toProduct(row: ProductRow): Product {
  return {
    id: row.id,
    name: row.name,
    priceCents: row.price_cents,
    category: row.category,
    stock: row.stock,
  };
}

export function toOrder(row: OrderRow): Order {
  const order: Order = {
    orderId: row.order_id,
    userId: row.user_id,
    items: row.items,
    totalAmount: Number(row.total_amount),
    status: row.status,
    createdAt: row.created_at.toISOString(),
  };
  if (row.paid_at !== null) order.paidAt = row.paid_at.toISOString();
  return order;
}
