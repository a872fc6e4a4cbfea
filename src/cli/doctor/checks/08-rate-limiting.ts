/**
 * Item 8: rate limiting per key. For keys the app issues with
 * `secrets-loader/keys`, a per-key limiter (`createKeyLimiter`) in its code
 * passes, with the file and line. Otherwise it is enforced by the API serving
 * the key, not verifiable from a repository: manual, with guidance.
 */

import { type Check, manual, pass } from "../types.js";
import { keysUsage } from "./keys-usage.js";

/**
 * The check.
 */
export const rateLimiting: Check = {
  id: "rate-limiting",
  item: 8,
  title: "Rate limiting applied per key",
  async run(ctx) {
    const limiter = keysUsage(ctx).limiter;
    if (limiter) {
      return [
        pass(
          `API keys are rate-limited per key (createKeyLimiter) at ${limiter.file}:${limiter.line}`,
          { file: limiter.file, line: limiter.line },
        ),
      ];
    }
    return [
      manual(
        "rate limits are enforced by the API that serves the key, not visible from the repository",
        "For keys you issue: limit requests per key (not only per IP), e.g. createKeyLimiter from secrets-loader/keys, or at your API gateway (AWS API Gateway usage plans, Cloudflare or nginx limit_req keyed on the API key), and set usage quotas. For keys you use: set the issuer's spend/usage limits.",
      ),
    ];
  },
};
