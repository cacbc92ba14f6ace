// Types for demo-keyspace.mjs, which stays plain JavaScript so that the desktop runner needs no build step.
export declare const DEMO_KEYSPACE: {
  users: number;
  usersWithoutTtl: number;
  sessions: number;
  rateLimits: number;
  userSessionSets: number;
  unmatchedKeys: string[];
};
/** Redis commands (argument arrays) that create the demo keyspace. */
export declare function demoKeyspaceCommands(): string[][];
/** Seeds the demo keyspace into database 0 of the Redis on `port` with redis-cli (after a FLUSHDB). */
export declare function seedDemoKeyspace(port: number, host?: string): void;
