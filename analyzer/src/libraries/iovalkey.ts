// iovalkey: the Valkey project's fork of ioredis, with the same API (`new Valkey(url, { keyPrefix })`,
// `new Cluster(nodes)`, SET with positional `"EX", seconds` tokens). Valkey speaks the Redis protocol.
import type { RedisProtocolAdapter } from "./adapter";
import { ioredis } from "./ioredis";

export const iovalkey = {
  ...ioredis,
  id: "iovalkey",
  displayName: "iovalkey",
  storeErrors: {
    // iovalkey 0.4.0 (installed) is ioredis's fork: a command rejects when the connection fails.
    read: "throws",
    write: "throws",
    checked: "iovalkey 0.4.0 source (ioredis's command queue)",
  },
  packages: {
    iovalkey: {
      default: { role: "client-class" },
      Redis: { role: "client-class" },
      Valkey: { role: "client-class" },
      Cluster: { role: "client-class" },
      "*": { role: "client-class" },
    },
  },
} satisfies RedisProtocolAdapter;
