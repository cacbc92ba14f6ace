// How the program model names a construction (`new Redis(url)`): its file and offset, as site ids do.
import type { Span } from "../model/cache-model";

export function constructionKey(at: Span): string {
  return `${at.file}:${at.start}`;
}
