// React's `cache(fn)` for Server Components: reset on every server request, keyed by argument identity.
import type { FrameworkAdapter } from "./adapter";
import { memoizerFacts } from "./memoizer-facts";

export const react = {
  id: "react",
  displayName: "React (`cache`)",
  kind: "framework",
  packages: { react: { cache: { role: "react-cache" } } },
  // React `cache` is reset on every server request.
  memoize: () => ({ ...memoizerFacts({ keying: "identity", bound: { kind: "unknown" } }), lifetime: "local" }),
  decoratorFamilies: false,
  requestScoped: true,
  globalTags: false,
  labelByMethod: false,
  // React `cache` lives for one request: concurrent calls in it share the first promise.
  refillsOnce: true,
} satisfies FrameworkAdapter;
