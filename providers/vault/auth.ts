/**
 * The provider's login token: obtained by the configured method, held in the
 * client's memo (so `cache.credentialRefreshLead` or `renewAt` decides when it
 * is refreshed), renewed with `auth/token/renew-self` while renewing still
 * extends it, and replaced by a new login once it is at its max TTL. Tokens
 * the provider created are revoked on `close()`; a token the user gave never is.
 */

import { readFile } from "node:fs/promises";
import {
  AccessDeniedError,
  type AuthClass,
  ConfigError,
  type Issued,
  type ProviderContext,
  SecretsError,
} from "../../src/provider/index.js";
import { toVaultError } from "./errors.js";
import { isResponseError, type VaultHttp } from "./http.js";
import {
  defaultTokenFile,
  K8S_TOKEN_FILE,
  type ResolvedVaultOptions,
  type VaultAppRoleAuth,
} from "./options.js";

/**
 * How long a login answer is still read after its caller gave up (the same
 * window as the client's for lease-issuing answers): the token it carries is
 * then revoked, not stranded for its TTL.
 */
const LATE_LOGIN_MS = 10_000;

/** The current token and what is known of its lifetime. */
interface TokenState {
  token: string;
  /** Created by a login of this provider (so revoked on close). */
  created: boolean;
  renewable: boolean;
  issuedAt: number;
  expiresAt?: number;
  /** The token's accessor: safe to log, names the token in events. */
  accessor?: string;
  /** The TTL the login granted, in seconds: a full renewal grants it again. */
  ttlSeconds?: number;
}

interface AuthBlock {
  client_token: string;
  accessor?: string;
  lease_duration: number;
  renewable: boolean;
}

/** The provider's token source. */
export class VaultAuth {
  readonly #http: VaultHttp;
  readonly #options: ResolvedVaultOptions;
  readonly #context: ProviderContext;
  #current: TokenState | undefined;
  /** Bumped to force a fresh login past the memo (a token found invalid mid-request). */
  #generation = 0;
  /** Tokens this provider created that may still be alive, to revoke on close. */
  readonly #created = new Map<string, number | undefined>();
  /** The unwrapped AppRole secret id (a wrapping token is used once only). */
  #unwrapped: Promise<string> | undefined;
  /** A secret id the server refused as used up or expired: never sent again. */
  #consumed: string | undefined;
  /** Tokens found invalid and replaced by a new login (the last few). */
  readonly #replaced = new Set<string>();
  /** The user's token (method "token"), read once. */
  #static: Promise<string> | undefined;
  /** Logins whose caller gave up, still read so their token can be revoked (close() waits). */
  readonly #late = new Set<Promise<unknown>>();
  /** Aborted at close()'s deadline: late login answers are no longer read. */
  readonly #stop = new AbortController();

  constructor(http: VaultHttp, options: ResolvedVaultOptions, context: ProviderContext) {
    this.#http = http;
    this.#options = options;
    this.#context = context;
  }

  /** The login method, for messages and the doctor. */
  get method(): string {
    return this.#options.auth.method;
  }

  /** The token to send now: from the memo (issued, renewed or re-issued as needed). */
  token(): Promise<string> {
    // A user's token has no lifetime the provider manages: read once, no memo entry.
    if (this.#options.auth.method === "token") {
      if (!this.#static) {
        const p = this.#userToken();
        this.#static = p;
        p.catch(() => {
          if (this.#static === p) this.#static = undefined; // retried at the next read
        });
      }
      return this.#static;
    }
    // The key is what events name: `vault:login/approle#0` (the number moves on a forced re-login).
    const key = `vault:login/${this.#options.auth.method}#${this.#generation}`;
    return this.#context.memo(key, (signal) => this.#issue(signal));
  }

  /**
   * What a login token is, from the login's answer (kept with the token):
   * a TTL makes it short-lived. Undefined for a user's token (method "token"),
   * which only `lookup-self` can tell.
   */
  loginClass(): AuthClass | undefined {
    const cur = this.#current;
    if (this.#options.auth.method === "token" || !cur?.created) return undefined;
    if (cur.expiresAt !== undefined) {
      return {
        class: "short-lived",
        expiresAt: cur.expiresAt,
        what: `a Vault ${this.#options.auth.method} login token with a TTL`,
      };
    }
    return {
      class: "long-lived",
      what: `a Vault ${this.#options.auth.method} login token with no TTL`,
      instead: "give the auth method's role a token_ttl and token_max_ttl",
    };
  }

  /** The last token held, without I/O (for revocations during close, when the memo is gone). */
  current(): string | undefined {
    return this.#current?.token;
  }

  /**
   * Whether `token` was found invalid and a new login can replace it: true
   * once per token for login methods (the caller then retries once).
   */
  async replaceIfInvalid(token: string, signal: AbortSignal): Promise<boolean> {
    if (this.#options.auth.method === "token") return false;
    // Another read found this token invalid first: the new login is under way.
    if (this.#replaced.has(token)) return true;
    if (this.#current?.token !== token) return false;
    try {
      await this.#http.request({
        method: "GET",
        path: "auth/token/lookup-self",
        token,
        ...this.#ns(),
        signal,
      });
      return false; // The token is fine: the 403 is a real denial.
    } catch (err) {
      if (!isResponseError(err) || err.response.statusCode !== 403) return false;
      if (this.#current?.token === token) {
        this.#current = undefined;
        this.#created.delete(token);
        this.#generation++;
        // Remember a few, so reads that failed with it at the same time retry too.
        this.#replaced.add(token);
        if (this.#replaced.size > 8)
          this.#replaced.delete(this.#replaced.values().next().value as string);
      }
      return true;
    }
  }

  #ns(): { namespace?: string } {
    return this.#options.namespace ? { namespace: this.#options.namespace } : {};
  }

  async #userToken(): Promise<string> {
    const auth = this.#options.auth;
    if (auth.method !== "token") throw new Error("not a token method");
    const token = auth.token ?? (await this.#readTokenFile(auth.tokenFile));
    this.#current = { token, created: false, renewable: false, issuedAt: Date.now() };
    return token;
  }

  async #issue(signal: AbortSignal): Promise<Issued<string>> {
    const cur = this.#current;
    if (
      cur?.created &&
      cur.renewable &&
      (cur.expiresAt === undefined || Date.now() < cur.expiresAt)
    ) {
      const renewed = await this.#renew(cur, signal).catch(() => undefined);
      if (renewed) return renewed;
    }
    return this.#login(signal);
  }

  /** renew-self; undefined when it would not extend the token (its max TTL is reached). */
  async #renew(cur: TokenState, signal: AbortSignal): Promise<Issued<string> | undefined> {
    const res = await this.#http.request<{ auth?: AuthBlock }>({
      method: "POST",
      path: "auth/token/renew-self",
      body: {},
      token: cur.token,
      ...this.#ns(),
      signal,
    });
    const a = res.auth;
    if (!a || !(a.lease_duration > 0)) return undefined;
    const now = Date.now();
    const expiresAt = now + a.lease_duration * 1000;
    // A full renewal grants the login's TTL again. Less means the max TTL caps
    // it: worth keeping only while it still gains time (seconds are whole, so
    // under a second is rounding), else log in again.
    const capped = a.lease_duration < (cur.ttlSeconds ?? 0);
    if (capped && cur.expiresAt !== undefined && expiresAt <= cur.expiresAt + 1000) {
      return undefined;
    }
    const next: TokenState = { ...cur, renewable: a.renewable, issuedAt: now, expiresAt };
    this.#current = next;
    this.#created.set(next.token, expiresAt);
    return this.#issued(next, a.lease_duration);
  }

  #issued(s: TokenState, ttlSeconds: number): Issued<string> {
    const renewAt = this.#options.renewAt;
    return {
      value: s.token,
      ...(s.accessor ? { version: `accessor ${s.accessor}` } : {}),
      ...(s.expiresAt !== undefined ? { expiresAt: s.expiresAt } : {}),
      ...(renewAt !== undefined && ttlSeconds > 0
        ? { refreshAt: s.issuedAt + ttlSeconds * 1000 * renewAt }
        : {}),
    };
  }

  async #login(signal: AbortSignal): Promise<Issued<string>> {
    const auth = this.#options.auth;
    let mount: string;
    let body: Record<string, unknown>;
    let secretId: string | undefined;
    switch (auth.method) {
      case "approle":
        mount = auth.mount ?? "approle";
        secretId = await this.#secretId(auth, signal);
        body = { role_id: auth.roleId, secret_id: secretId };
        break;
      case "jwt":
        mount = auth.mount ?? "jwt";
        body = {
          role: auth.role,
          jwt: auth.jwt ? await auth.jwt() : await readCredentialFile(auth.jwtFile ?? "", "JWT"),
        };
        break;
      case "kubernetes":
        mount = auth.mount ?? "kubernetes";
        body = {
          role: auth.role,
          jwt: await readCredentialFile(auth.jwtFile ?? K8S_TOKEN_FILE, "service-account token"),
        };
        break;
      default:
        throw new ConfigError({ provider: "vault", message: "vault: no login method" });
    }
    const path = `auth/${mount}/login`;
    let res: { auth?: AuthBlock };
    try {
      res = await this.#sendLogin(path, body, signal);
    } catch (err) {
      if (secretId !== undefined && isResponseError(err) && /secret.?id/i.test(errors(err))) {
        // A secret id from a file is re-read at the next login, so only a fixed one is remembered.
        if (!(auth.method === "approle" && auth.secretIdFile)) this.#consumed = secretId;
        throw new AccessDeniedError({
          provider: "vault",
          cause: err,
          message: `vault: the AppRole login at ${path} refused the secret id (HTTP ${err.response.statusCode}): it is used up, expired or wrong. Issue a new secret id for the role; this one is not sent again.`,
        });
      }
      const status = isResponseError(err) ? err.response.statusCode : undefined;
      if (status === 400 || status === 401 || status === 403) {
        // The server's reason may quote the credential's claims: it stays in the cause only.
        throw new AccessDeniedError({
          provider: "vault",
          cause: err,
          message: `vault: the ${auth.method} login at ${path} was refused (HTTP ${status}): check the role's bindings, the credential (expired, revoked, wrong audience or subject) and the auth method's configuration.`,
        });
      }
      throw toVaultError(err, { subject: `the ${auth.method} login`, path, capability: "update" });
    }
    const a = res.auth;
    if (!a?.client_token) {
      throw new AccessDeniedError({
        provider: "vault",
        message: `vault: the ${auth.method} login at ${path} returned no token.`,
      });
    }
    const now = Date.now();
    const s: TokenState = {
      token: a.client_token,
      created: true,
      renewable: a.renewable,
      issuedAt: now,
      ...(a.accessor ? { accessor: a.accessor } : {}),
      ttlSeconds: a.lease_duration,
      ...(a.lease_duration > 0 ? { expiresAt: now + a.lease_duration * 1000 } : {}),
    };
    this.#current = s;
    this.#created.set(s.token, s.expiresAt);
    return this.#issued(s, a.lease_duration);
  }

  /**
   * The login request. Once sent, the server may issue a token even if the
   * caller gives up (deadline or close()), so its answer is read for a bounded
   * time after that (`LATE_LOGIN_MS`, or until close()'s deadline) and a token
   * in a late answer is revoked at once; the caller still gets its error on time.
   */
  #sendLogin(
    path: string,
    body: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<{ auth?: AuthBlock }> {
    const window = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const gaveUp = () => {
      timer = setTimeout(() => window.abort(signal.reason), LATE_LOGIN_MS);
      timer.unref?.();
    };
    if (signal.aborted) gaveUp();
    else signal.addEventListener("abort", gaveUp, { once: true });
    const answerSignal = AbortSignal.any([window.signal, this.#stop.signal]);
    const sent = this.#http
      .request<{ auth?: AuthBlock }>({
        method: "POST",
        path,
        body,
        ...this.#ns(),
        signal,
        answerSignal,
        issuesLease: true,
      })
      .finally(() => {
        clearTimeout(timer);
        signal.removeEventListener("abort", gaveUp);
      });
    const answered = sent.then(async (res) => {
      if (!signal.aborted) return res;
      // Nobody takes this token any more: revoke it before close() goes on.
      const token = res.auth?.client_token;
      if (typeof token === "string" && token) {
        await this.#revoke(token, answerSignal).catch(() => undefined);
      }
      throw signal.reason;
    });
    // close() waits for every login in flight (bounded by its deadline).
    const tracked = answered.catch(() => undefined);
    this.#late.add(tracked);
    void tracked.finally(() => this.#late.delete(tracked));
    return answered;
  }

  #revoke(token: string, signal: AbortSignal): Promise<unknown> {
    return this.#http.request({
      method: "POST",
      path: "auth/token/revoke-self",
      body: {},
      token,
      ...this.#ns(),
      signal,
    });
  }

  async #secretId(auth: VaultAppRoleAuth, signal: AbortSignal): Promise<string> {
    let id: string;
    if (auth.secretIdFile) id = await readCredentialFile(auth.secretIdFile, "AppRole secret id");
    else if (auth.secretId) id = auth.secretId;
    else {
      // A wrapping token works once: unwrap it the first time only.
      this.#unwrapped ??= this.#unwrap(auth.wrappedSecretId ?? "", signal);
      id = await this.#unwrapped;
    }
    if (id === this.#consumed) {
      throw new AccessDeniedError({
        provider: "vault",
        message:
          "vault: the AppRole secret id was already refused as used up or expired, and is not sent again. Provide a new one (a secretIdFile is re-read at every login).",
      });
    }
    return id;
  }

  async #unwrap(wrappingToken: string, signal: AbortSignal): Promise<string> {
    try {
      const res = await this.#http.request<{ data?: { secret_id?: string } }>({
        method: "POST",
        path: "sys/wrapping/unwrap",
        body: {},
        token: wrappingToken,
        ...this.#ns(),
        signal,
      });
      const id = res.data?.secret_id;
      if (!id) throw new Error("the wrapped response holds no secret_id");
      return id;
    } catch (err) {
      throw new AccessDeniedError({
        provider: "vault",
        cause: err,
        message:
          "vault: the wrapped AppRole secret id could not be unwrapped (sys/wrapping/unwrap): the wrapping token was already used, has expired, or wraps something else. Issue a new wrapped secret id.",
      });
    }
  }

  async #readTokenFile(file?: string): Promise<string> {
    const path = file ?? defaultTokenFile();
    try {
      return await readCredentialFile(path, "token");
    } catch (err) {
      if (SecretsError.is(err) && !file) {
        throw new ConfigError({
          provider: "vault",
          cause: err,
          message:
            "vault: no token: set VAULT_TOKEN, write ~/.vault-token (bao login / vault login), or configure auth: { method: 'approle' | 'jwt' | 'kubernetes' }.",
        });
      }
      throw err;
    }
  }

  /**
   * Revokes the tokens this provider created and that may still be alive,
   * after the logins still being read (their tokens are revoked as they arrive).
   */
  async close(signal: AbortSignal): Promise<void> {
    const stop = () => this.#stop.abort(signal.reason);
    if (signal.aborted) stop();
    else signal.addEventListener("abort", stop, { once: true });
    await new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      signal.addEventListener("abort", () => resolve(), { once: true });
      void Promise.allSettled([...this.#late]).then(() => resolve());
    });
    const now = Date.now();
    const alive = [...this.#created].filter(([, exp]) => exp === undefined || exp > now);
    this.#created.clear();
    this.#current = undefined;
    await Promise.allSettled(alive.map(([token]) => this.#revoke(token, signal)));
  }
}

function errors(err: { response: { body?: { errors?: string[] } } }): string {
  return (err.response.body?.errors ?? []).join(" ");
}

/** Reads a credential file (trimmed); a missing or empty file is a ConfigError naming the file only. */
async function readCredentialFile(path: string, what: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    throw new ConfigError({
      provider: "vault",
      cause,
      message: `vault: cannot read the ${what} file ${path} (${(cause as { code?: string }).code ?? "error"}).`,
    });
  }
  const value = text.trim();
  if (!value) {
    throw new ConfigError({
      provider: "vault",
      message: `vault: the ${what} file ${path} is empty.`,
    });
  }
  return value;
}
