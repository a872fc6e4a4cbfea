/** What `secrets-loader/keys` exports of the leak-alert handler (one line in the entry). */
export { GITHUB_PUBLIC_KEYS_URL, handleLeakAlert } from "./handle.js";
export type {
  KeyLeakedEvent,
  LeakAlertHandler,
  LeakAlertOptions,
  LeakAlertRateLimit,
  LeakAlertRequest,
  LeakAlertResponse,
  LeakAlertSender,
  LeakDetails,
  LeakFeedback,
  PublicKeyResponse,
  PublicKeySource,
  SenderPublicKey,
} from "./types.js";
