import { createClient } from "redis";
import Keyv from "keyv";
export const client = createClient({ url: "redis://localhost:6379" });
export const kv = new Keyv<string>({ namespace: "x", ttl: 1000 });
export async function g(key: string): Promise<string> {
  const raw = await client.get(key);
  const parsed: string | null = raw;
  const k = await kv.get(key);
  const kk: string | undefined = k;
  await client.close();
  return (parsed ?? "") + (kk ?? "");
}
