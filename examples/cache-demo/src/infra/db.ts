// Stand-in for the service's database layer.
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

const users = new Map<string, User>([["1", { id: "1", name: "Ada", email: "ada@example.com" }]]);

export const db = {
  async findUser(id: string): Promise<User | undefined> {
    return users.get(id);
  },
  async saveUser(user: User): Promise<void> {
    users.set(user.id, user);
  },
  async findProduct(sku: string): Promise<Product | undefined> {
    return { sku, name: `Product ${sku}`, cents: 1999 };
  },
};
