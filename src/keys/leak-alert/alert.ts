/**
 * The alert's body, parsed only after its signature held: GitHub sends a JSON array of
 * `{ token, type, url, source }`, GitLab `[{ type, token, url }]`. Each field is checked by
 * type; an error names the entry and the field, never a value (a value may be a token).
 */
import type { LeakAlertSender } from "./types.js";

/** One reported match. */
export interface AlertEntry {
  token: string;
  type: string;
  url: string;
  source?: string;
}

/** A token is at most a few hundred characters; a type, URL or source a few thousand. */
const MAX_TOKEN = 1024;
const MAX_FIELD = 4096;

/** The entries, or why the body is not an alert. */
export function parseAlert(
  body: Uint8Array,
  sender: LeakAlertSender,
): { entries: AlertEntry[] } | { error: string } {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
  } catch {
    return { error: "The body is not UTF-8 JSON." };
  }
  // GitLab's older documentation shows a single object: take it as a list of one.
  const list = sender === "gitlab" && isObject(json) ? [json] : json;
  if (!Array.isArray(list)) return { error: "The body must be a JSON array of matches." };
  const entries: AlertEntry[] = [];
  for (const [i, item] of list.entries()) {
    if (!isObject(item)) return { error: `Match ${i} is not an object.` };
    const { token, type, url, source } = item;
    if (typeof token !== "string" || token.length === 0 || token.length > MAX_TOKEN) {
      return { error: `Match ${i}: "token" must be a string of 1 to ${MAX_TOKEN} characters.` };
    }
    if (typeof type !== "string" || type.length > MAX_FIELD) {
      return { error: `Match ${i}: "type" must be a string.` };
    }
    // GitHub documents url as possibly empty; absent is taken as empty too.
    if (url !== undefined && url !== null && (typeof url !== "string" || url.length > MAX_FIELD)) {
      return { error: `Match ${i}: "url" must be a string.` };
    }
    if (
      source !== undefined &&
      source !== null &&
      (typeof source !== "string" || source.length > MAX_FIELD)
    ) {
      return { error: `Match ${i}: "source" must be a string.` };
    }
    const entry: AlertEntry = { token, type, url: typeof url === "string" ? url : "" };
    if (typeof source === "string") entry.source = source;
    entries.push(entry);
  }
  return { entries };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
