// Mongoose: model calls (`User.updateOne(filter, { $set })`), the model named by its `model("User", …)` call.
import type * as TS from "typescript";
import type { EntityContext } from "./entity-context";
import { describeAccess, readLiteralKeys, type DescribedAccess } from "./entity-helpers";

export const MONGOOSE_READS = new Set([
  "find",
  "findOne",
  "findById",
  "countDocuments",
  "estimatedDocumentCount",
  "exists",
  "distinct",
  "aggregate",
]);

export const MONGOOSE_WRITES = new Set([
  "create",
  "insertMany",
  "updateOne",
  "updateMany",
  "replaceOne",
  "deleteOne",
  "deleteMany",
  "findOneAndUpdate",
  "findByIdAndUpdate",
  "findOneAndDelete",
  "findByIdAndDelete",
  "findOneAndReplace",
  "findOneAndRemove",
  "findByIdAndRemove",
  "bulkWrite",
]);

/** A call on a Mongoose model. */
export function describeMongooseModel(
  cx: EntityContext,
  method: string,
  receiver: TS.Expression,
): DescribedAccess[] | undefined {
  const isRead = MONGOOSE_READS.has(method);
  if (!isRead && !MONGOOSE_WRITES.has(method)) return undefined;
  const name = findMongooseModelName(cx, receiver);
  return name ? [describeAccess(name, isRead ? "read" : "write", method, "mongoose")] : undefined;
}

/** `model("User", schema)` / `mongoose.model<IUser>("User")`: the model name given at creation. */
function findMongooseModelName(cx: EntityContext, receiver: TS.Expression): string | undefined {
  const { ts } = cx;
  const node = cx.resolver.skipOuter(receiver);
  const nameNode = ts.isIdentifier(node) ? node : ts.isPropertyAccessExpression(node) ? node.name : undefined;
  const declaration = nameNode ? cx.resolver.getDeclaredSymbol(nameNode)?.valueDeclaration : undefined;
  if (
    declaration &&
    (ts.isVariableDeclaration(declaration) || ts.isPropertyDeclaration(declaration)) &&
    declaration.initializer
  ) {
    const initializer = cx.resolver.skipOuter(declaration.initializer);
    if (ts.isCallExpression(initializer) && initializer.arguments[0]) {
      const name = cx.resolver.foldString(initializer.arguments[0]);
      if (name) return name;
    }
  }
  return nameNode?.text.replace(/Model$/, "");
}

/** The fields a Mongoose update writes: its update document's keys, or those under its operators. */
export function findMongooseWrittenFields(
  cx: EntityContext,
  call: TS.CallExpression,
  method: string,
): string[] | undefined {
  const args = call.arguments;
  if (!/^(updateOne|updateMany|findOneAndUpdate|findByIdAndUpdate)$/.test(method) || !args[1]) return undefined;
  return readMongoUpdateKeys(cx, args[1]);
}

/** `{ $set: { a }, $inc: { b: 1 } }` → `a`, `b`; a plain replacement document → its keys. */
function readMongoUpdateKeys(cx: EntityContext, expression: TS.Expression): string[] | undefined {
  const keys = readLiteralKeys(cx, expression);
  if (!keys || !keys.some((key) => key.startsWith("$"))) return keys;
  const { props } = cx.resolver.readOptions(expression);
  const fields: string[] = [];
  for (const key of keys) {
    const inner = key.startsWith("$") ? props.get(key) : undefined;
    const innerKeys = inner ? readLiteralKeys(cx, inner) : undefined;
    if (!key.startsWith("$")) fields.push(key);
    else if (!innerKeys) return undefined;
    else fields.push(...innerKeys.map((k) => k.split(".")[0]!));
  }
  return fields;
}
