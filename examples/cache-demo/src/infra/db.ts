// The service's database: Prisma (models `user` and `product`).
import { PrismaClient } from "@prisma/client";

export interface User {
  id: string;
  name: string;
  email: string;
}

export interface Product {
  sku: string;
  name: string;
  cents: number;
}

export const prisma = new PrismaClient();
