/**
 * What the `browser` and `react-native` export conditions resolve to: a module
 * that fails at import, so a client bundle breaks loudly instead of shipping
 * secret-loading code (and whatever it loads) to users.
 */
import { BrowserUsageError } from "./errors.js";

throw new BrowserUsageError();
