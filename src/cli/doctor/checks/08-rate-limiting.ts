/**
 * Item 8: rate limiting per key. Enforced by the API serving the key, so
 * not verifiable from a repository: always manual, with guidance.
 */

import { type Check, manual } from "../types.js";

/**
 * The check.
 */
export const rateLimiting: Check = {
  id: "rate-limiting",
  item: 8,
  title: "Rate limiting applied per key",
  async run() {
    return [
      manual(
        "rate limits are enforced by the API that serves the key, not visible from the repository",
        "For keys you issue: limit requests per key (not only per IP) at your API gateway (for example AWS API Gateway usage plans, Cloudflare or nginx limit_req keyed on the API key) and set usage quotas. For keys you use: set the issuer's spend/usage limits.",
      ),
    ];
  },
};
