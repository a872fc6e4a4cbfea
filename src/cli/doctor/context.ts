/**
 * Everything the checks share: the project directory, the config, one
 * scanner, memoised scans (the tree is read once for items 1 and 2), and
 * a secrets client built from the config, created only when a check needs
 * a provider.
 */

import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { builtins, type Composition, type Secrets, type SecretsEvent } from "../../index.js";
import {
  type CallContext,
  type CheckId,
  type DoctorFacet,
  type DoctorFinding,
  type ProviderOperations,
  type SchemeTable,
  schemeOf,
} from "../../provider/index.js";
import type { SecretsConfig } from "../config/schema.js";
import { schemeTable, showReference } from "../references.js";
import { type HistoryResult, isGitRepo, repoPrefix, repoTop, scanHistory } from "../scan/git.js";
import { KnownValues } from "../scan/known-values-search.js";
import { type ResolvedValues, resolveKnownValues } from "../scan/resolve-values.js";
import { type ScanSetup, scanSetup } from "../scan/setup.js";
import { scanTree, type TreeScanResult } from "../scan/tree.js";
import {
  type Declarations,
  declarationsFromConfig,
  facetOf,
  providersFromConfig,
  schemeProviders,
} from "./providers.js";

/**
 * A configured reference.
 */
export interface ConfiguredRef {
  name: string;
  ref: string;
  /** The reference as it may be shown in output (never a pasted value whole). */
  shown: string;
  scheme: string;
  provider: string;
  optional: boolean;
  type?: "string" | "json" | "binary";
}

/**
 * Options of the doctor run.
 */
export interface DoctorOptions {
  since?: string;
  offline?: boolean;
  /** Reports progress of long steps (history, providers). */
  progress?: (text: string) => void;
  /** Environment to inspect (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** A ready client to use instead of one built from the config (tests, embedding). */
  client?: Secrets;
  /**
   * The moment ages are measured from (default: the clock). Only age
   * arithmetic reads it, so a test can see a secret as it will be in
   * 100 days when its store cannot backdate versions.
   */
  now?: Date;
  /** The providers known without a `"module"` (default: the built-ins, composed by the package root). */
  composition?: Composition;
}

/**
 * Shared state of one doctor run.
 */
export class DoctorContext {
  /** The scanner and filters; after {@link DoctorContext.values}, it also finds the known values. */
  setup: ScanSetup;
  readonly env: Record<string, string | undefined>;
  readonly events: SecretsEvent[] = [];
  #tree?: TreeScanResult;
  #history?: Promise<HistoryResult | undefined>;
  #client?: Promise<Secrets>;
  #values?: Promise<ResolvedValues | undefined>;
  #declarations?: Promise<Declarations>;
  #schemes?: Map<string, string>;
  #table?: SchemeTable;
  readonly #facets = new Map<string, Promise<DoctorFacet | undefined>>();

  constructor(
    /** The project directory. */
    readonly dir: string,
    /** The validated config. */
    readonly config: SecretsConfig,
    /** The config file, when one was found. */
    readonly configFile: string | undefined,
    /** Run options. */
    readonly options: DoctorOptions,
  ) {
    this.setup = scanSetup(config, this.#base());
    this.env = options.env ?? process.env;
  }

  /** Allowlisted paths are relative to the config file's folder, else the project's. */
  #base(): string {
    return this.configFile ? dirname(this.configFile) : resolve(this.dir);
  }

  /**
   * Resolves the config's references through the client, once, and from
   * then on scans for their values too (items 1-3). Undefined offline or
   * without references. Call it before {@link DoctorContext.tree} and
   * {@link DoctorContext.history}: their results are memoised.
   */
  values(): Promise<ResolvedValues | undefined> {
    this.#values ??= (async () => {
      if (this.options.offline || Object.keys(this.config.references).length === 0) {
        return undefined;
      }
      this.progress("resolving references to search for their values");
      let resolved: ResolvedValues;
      try {
        const client = await this.client();
        // Item 11 reports these fetches from their events: each secret is read (or leased) once.
        resolved = await resolveKnownValues(this.config, client);
      } catch {
        // No client at all (bad provider options): every reference is unchecked.
        const names = Object.keys(this.config.references);
        resolved = {
          known: new KnownValues([]),
          references: names.length,
          unresolved: names.map((name) => ({ name, code: "NO_CLIENT" })),
          tooShort: [],
        };
      }
      if (!this.#tree && !this.#history) {
        this.setup = scanSetup(this.config, this.#base(), resolved.known);
      }
      return resolved;
    })();
    return this.#values;
  }

  /** The moment ages are measured from: `--now` when given, else the clock. */
  now(): Date {
    return this.options.now ?? new Date();
  }

  /** Reports progress (a no-op when not on a terminal). */
  progress(text: string): void {
    this.options.progress?.(text);
  }

  /** The working-tree scan, done once. */
  tree(): TreeScanResult {
    if (!this.#tree) {
      this.progress("scanning the working tree");
      const r = scanTree([this.dir], this.setup.scanner, {
        maxFileSize: this.setup.maxFileSize,
        exclude: this.setup.excluded,
      });
      const prefix = this.dir === "." ? "" : `${this.dir.replace(/\/+$/, "")}/`;
      const strip = (f: string) => (prefix && f.startsWith(prefix) ? f.slice(prefix.length) : f);
      this.#tree = {
        ...r,
        findings: r.findings.map((f) => ({ ...f, file: strip(f.file) })).filter(this.setup.keep),
        skipped: r.skipped.map((s) => ({ ...s, file: strip(s.file) })),
      };
    }
    return this.#tree;
  }

  /** True when the project is inside a git work tree. */
  isGit(): boolean {
    return isGitRepo(this.dir);
  }

  /** The history scan, done once; undefined outside git. */
  history(): Promise<HistoryResult | undefined> {
    this.#history ??= (async () => {
      if (!this.isGit()) return undefined;
      const top = repoTop(this.dir) ?? this.dir;
      const r = await scanHistory(this.dir, this.setup.scanner, {
        since: this.options.since,
        maxBlockSize: this.setup.maxFileSize,
        excludePath: (f) => this.setup.excluded(join(top, f)),
        onCommit: (n) => this.progress(`scanning git history: ${n} commits`),
        // A subfolder of a repository: its history only, as its tree is all
        // item 1 scans (a key elsewhere is not "gone from the tree").
        ...(repoPrefix(this.dir) ? { pathspecs: ["."] } : {}),
      });
      return { ...r, findings: r.findings.filter(this.setup.keep) };
    })();
    return this.#history;
  }

  /** The composition the run starts from (the built-ins unless the options give another). */
  get composition(): Composition {
    return this.options.composition ?? builtins;
  }

  /** The providers the config can use (the composition's and those it names with `"module"`); loaded once. */
  declarations(): Promise<Declarations> {
    this.#declarations ??= declarationsFromConfig(
      this.config.providers,
      this.#configDir(),
      this.composition.providers,
    ).then((d) => {
      this.#schemes = schemeProviders(d);
      this.#table = schemeTable(d);
      return d;
    });
    return this.#declarations;
  }

  #configDir(): string {
    return this.configFile ? join(this.configFile, "..") : this.dir;
  }

  /** A provider's doctor facet (guidance, environment, evidence); undefined when it has none. */
  facet(name: string): Promise<DoctorFacet | undefined> {
    let f = this.#facets.get(name);
    if (!f) {
      f = this.declarations()
        .then((d) => facetOf(d, name))
        .catch(() => undefined);
      this.#facets.set(name, f);
    }
    return f;
  }

  /** Configured references with their provider (call `declarations()` first for custom schemes). */
  references(): ConfiguredRef[] {
    return Object.entries(this.config.references).map(([name, entry]) => {
      const ref = typeof entry === "string" ? entry : entry.ref;
      const scheme = schemeOf(ref) ?? "";
      const out: ConfiguredRef = {
        name,
        ref,
        shown: showReference(ref, this.#table),
        scheme,
        provider: this.#schemes?.get(scheme) ?? scheme,
        optional: typeof entry !== "string" && entry.optional === true,
      };
      if (typeof entry !== "string" && entry.type) out.type = entry.type;
      return out;
    });
  }

  /** Provider names in use: those of the references plus those configured. */
  providersInUse(): string[] {
    const names = new Set(this.references().map((r) => r.provider));
    for (const name of Object.keys(this.config.providers)) names.add(name);
    return [...names].sort();
  }

  /** The secrets client (providers from the config, built-ins for the rest). */
  client(): Promise<Secrets> {
    this.#client ??= (async () => {
      if (this.options.client) {
        this.options.client.on((e) => this.events.push(e));
        return this.options.client;
      }
      const declarations = await this.declarations();
      const providers = await providersFromConfig(
        this.config.providers,
        this.#configDir(),
        declarations,
      );
      return this.composition.createSecrets({ providers, onEvent: (e) => this.events.push(e) });
    })();
    return this.#client;
  }

  /** The provider instance named `name`, or undefined when none is registered. */
  async provider(name: string): Promise<ProviderOperations | undefined> {
    const client = await this.client();
    try {
      return await client.provider(name);
    } catch {
      return undefined;
    }
  }

  /** Runs `fn` against a provider under the client's deadline (identity, extra evidence). */
  async withProvider<T>(
    name: string,
    fn: (provider: ProviderOperations, call: CallContext) => Promise<T>,
  ): Promise<T> {
    return (await this.client()).withProvider(name, fn);
  }

  /**
   * What the facet of provider `name` adds to check `check`, computed under
   * the client's deadline; undefined when it adds nothing (or offline).
   */
  async evidence(
    name: string,
    check: CheckId,
    references: readonly string[],
  ): Promise<readonly DoctorFinding[] | undefined> {
    const hook = (await this.facet(name))?.evidence?.[check];
    if (!hook || this.options.offline) return undefined;
    const settings = { maxKeyAgeDays: this.config.policy.rotationMaxDays, references };
    return this.withProvider(name, (provider, call) => hook(provider, settings, call));
  }

  /** True when `rel` exists under the project directory. */
  exists(rel: string): boolean {
    return existsSync(join(this.dir, rel));
  }

  /** Closes the client, if one was made. */
  async close(): Promise<void> {
    if (this.#client) await (await this.#client).close();
  }
}
