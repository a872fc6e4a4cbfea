// The anomaly watcher (re-exported by secrets-loader/keys).
export {
  type AnomalyWatcher,
  type AnomalyWatcherOptions,
  createAnomalyWatcher,
  type KeyAlert,
} from "./watcher.js";
