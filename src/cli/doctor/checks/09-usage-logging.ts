/**
 * Item 9: usage logging and alerting. Passes only when the config sends the
 * SDK's audit events to a sink. A subscription in the app's code (`onEvent` /
 * `.on(...)` next to a secrets-loader import) is `manual`: the doctor cannot
 * tell where the handler sends them. Nothing at all is a warning. API keys the
 * app issues with `secrets-loader/keys` whose usage events go to a log
 * (`jsonLinesLogger`) pass, with the file and line (and the anomaly watcher's,
 * when there is one).
 */

import { readFileSync, statSync } from "node:fs";
import { walkFiles } from "../../scan/walk.js";
import { type Check, type CheckResult, manual, pass, warn } from "../types.js";
import { keysUsage } from "./keys-usage.js";

const SOURCE_EXT = /\.(?:[cm]?[jt]sx?)$/;
const USES_SDK = /["']secrets-loader(?:\/[^"']*)?["']/;
const SUBSCRIBES = /\bonEvent\s*:|\b(?:secrets|client|defaultSecrets\(\))\s*\.on\s*\(/;

/**
 * The check.
 */
export const usageLogging: Check = {
  id: "usage-logging",
  item: 9,
  title: "Usage logging and alerting configured",
  async run(ctx) {
    const results: CheckResult[] = [];
    const sink = ctx.config.audit?.sink;
    if (sink) {
      return [
        pass(
          `config sends the SDK's audit events to ${sink}`,
          ctx.configFile ? { file: ctx.configFile } : {},
        ),
      ];
    }
    const keys = keysUsage(ctx);
    if (keys.sink) {
      const watched = keys.watcher
        ? `, alerts from createAnomalyWatcher at ${keys.watcher.file}:${keys.watcher.line}`
        : "";
      results.push(
        pass(
          `API key usage events are logged (jsonLinesLogger) at ${keys.sink.file}:${keys.sink.line}${watched}`,
          { file: keys.sink.file, line: keys.sink.line },
        ),
      );
    }
    for (const f of walkFiles(ctx.dir)) {
      if (results.length >= 4) break;
      if (!SOURCE_EXT.test(f.rel) || f.rel.startsWith("node_modules/")) continue;
      let text: string;
      try {
        if (statSync(f.abs).size > 512 * 1024) continue;
        text = readFileSync(f.abs, "utf8");
      } catch {
        continue;
      }
      if (!USES_SDK.test(text)) continue;
      const m = SUBSCRIBES.exec(text);
      if (m) {
        const line = text.slice(0, m.index).split("\n").length;
        results.push(
          manual(
            `subscription found at ${f.rel}:${line}: check it reaches alerting`,
            'Check that this handler sends the events to your log platform and that alerts fire on error and access-denied events and on request spikes per key; or set "audit": { "sink": ... } in secrets.config.json so the doctor can confirm it.',
            { file: f.rel, line },
          ),
        );
      }
    }
    // A logged key usage stream is the item's evidence; an onEvent of that same file is it too.
    if (keys.sink) return results.filter((r) => r.status === "pass");
    if (results.length === 0) {
      results.push(
        warn(
          "the SDK's audit events (fetch, error, credentials ...) are not sent anywhere",
          'Set "audit": { "sink": "stderr" } (or file:/module:) in secrets.config.json, or pass createSecrets({ onEvent: (e) => logger.info(e) }); events never contain values. Then alert on error and access-denied events and on request spikes per key in your log platform.',
        ),
      );
    }
    return results;
  },
};
