/**
 * The eleven checks, in checklist order.
 */

import type { Check } from "../types.js";
import { noKeysInSource } from "./01-no-keys-in-source.js";
import { noKeysInHistory } from "./02-no-keys-in-history.js";
import { noKeysInClient } from "./03-no-keys-in-client.js";
import { leastPrivilege } from "./04-least-privilege.js";
import { ipRestrictions } from "./05-ip-restrictions.js";
import { rotation } from "./06-rotation.js";
import { secretScanning } from "./07-secret-scanning.js";
import { rateLimiting } from "./08-rate-limiting.js";
import { usageLogging } from "./09-usage-logging.js";
import { shortLived } from "./10-short-lived.js";
import { referencesResolve } from "./11-references-resolve.js";

/**
 * Every check, one per checklist item, in checklist order.
 */
export const CHECKS: readonly Check[] = [
  noKeysInSource,
  noKeysInHistory,
  noKeysInClient,
  leastPrivilege,
  ipRestrictions,
  rotation,
  secretScanning,
  rateLimiting,
  usageLogging,
  shortLived,
  referencesResolve,
];
