// A stand-in for the generated Prisma client, so that the demo runs without a database: the same two models
// (`user`, `product`) and the calls the demo makes, on rows kept in memory. Every call returns a copy, as a real
// database does, so a row changed here is not changed in a cache that holds an earlier copy.
function createTable(key, rows) {
  const table = Object.create(null);
  for (const row of rows) table[String(row[key])] = row;
  return {
    async findUnique(args) {
      const row = table[String(args.where[key])];
      return row ? { ...row } : null;
    },
    async update(args) {
      const id = String(args.where[key]);
      const row = table[id];
      if (!row) throw new Error(`no row ${id}`);
      table[id] = { ...row, ...args.data };
      return { ...table[id] };
    },
  };
}

export class PrismaClient {
  user = createTable(
    "id",
    Array.from({ length: 1000 }, (_, i) => ({
      id: String(i + 1),
      name: `User ${i + 1}`,
      email: `user${i + 1}@example.com`,
    })),
  );
  product = createTable(
    "sku",
    Array.from({ length: 200 }, (_, i) => ({ sku: `sku-${i + 1}`, name: `Product ${i + 1}`, cents: 100 + i })),
  );
}
