// NestJS's cache: `CacheModule.register({ ttl, stores })`, `@CacheKey`, `@CacheTTL`, and the injected
// `Cache` (cache-manager's type). NestJS 8 and 9 exported the decorators from @nestjs/common.
import type { FrameworkAdapter } from "./adapter";

export const nestjsCache = {
  id: "nestjs-cache",
  displayName: "@nestjs/cache-manager",
  kind: "framework",
  packages: {
    "@nestjs/cache-manager": {
      CacheModule: { role: "nest-cache-module" },
      Cache: { role: "cache-class", library: "cache-manager", kind: "in-process" },
      CacheKey: { role: "nest-cache-key" },
      CacheTTL: { role: "nest-cache-ttl" },
    },
    "@nestjs/common": {
      CacheModule: { role: "nest-cache-module" },
      CacheKey: { role: "nest-cache-key" },
      CacheTTL: { role: "nest-cache-ttl" },
    },
  },
  memoize: undefined,
  decoratorFamilies: true,
  requestScoped: false,
  globalTags: false,
  labelByMethod: false,
  // The NestJS interceptor reads, runs the handler and writes on a miss: every concurrent caller runs the handler.
  refillsOnce: false,
} satisfies FrameworkAdapter;
