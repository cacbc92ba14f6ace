import { Redis } from "ioredis";

/** One shared client; every key gets the service prefix. */
export const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { keyPrefix: "demo:" });
