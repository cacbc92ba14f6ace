// iovalkey: the Valkey project's fork of ioredis, with the same API (`new Valkey(url, { keyPrefix })`,
// `new Cluster(nodes)`, SET with positional `"EX", seconds` tokens). Valkey speaks the Redis protocol.
import type { RedisProtocolAdapter } from "./adapter";
import { ioredis } from "./ioredis";

export const iovalkey = {
  ...ioredis,
  id: "iovalkey",
  displayName: "iovalkey",
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
