// `node --import ./examples/cache-demo/service/prisma-hook.mjs`: resolves `@prisma/client` to the in-memory
// stand-in (fake-prisma.mjs), so that the demo's modules run unchanged without a generated client or a database.
import { register } from "node:module";

register(
  "data:text/javascript," +
    encodeURIComponent(`
      const target = ${JSON.stringify(new URL("./fake-prisma.mjs", import.meta.url).href)};
      export async function resolve(specifier, context, next) {
        if (specifier === "@prisma/client") return { url: target, shortCircuit: true };
        return next(specifier, context);
      }
    `),
);
