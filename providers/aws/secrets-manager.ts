/**
 * `aws-sm://` references: GetSecretValue for one, BatchGetSecretValue (20 ids
 * per call, pages in parallel) for many, falling back to parallel
 * GetSecretValue where batching is denied or not offered.
 */

import type { Issued, ParsedRef } from "../../src/provider/index.js";
import { NotFoundError, type SecretsError } from "../../src/provider/index.js";
import { type BatchResults, type BatchState, readInPages } from "./batching.js";

export type { BatchState } from "./batching.js";

import type { AwsClients } from "./clients.js";
import { awsErrorCode, httpStatus, toSecretsError } from "./errors.js";

/** BatchGetSecretValue takes at most 20 ids per call. */
export const SM_BATCH_SIZE = 20;

/** Errors meaning "this endpoint or identity can never batch": stop trying for good. */
const NO_BATCH = new Set([
  "AccessDeniedException",
  "AccessDenied",
  "UnknownOperationException",
  "InvalidAction",
  "NotImplemented",
  "UnsupportedOperation",
]);

/** `secret "prod/db" (stage AWSPREVIOUS)`: the subject of messages. */
export function smSubject(ref: ParsedRef): string {
  const { versionStage, versionId } = ref.options;
  const sel = versionStage
    ? ` (stage ${versionStage})`
    : versionId
      ? ` (version ${versionId})`
      : "";
  return `secret "${ref.path}"${sel}`;
}

/** True when a reference reads AWSCURRENT, which is all BatchGetSecretValue returns. */
export function batchable(ref: ParsedRef): boolean {
  const { versionStage, versionId } = ref.options;
  return versionId === undefined && (versionStage === undefined || versionStage === "AWSCURRENT");
}

interface SecretValueLike {
  SecretString?: string;
  SecretBinary?: Uint8Array;
  VersionId?: string;
}

function toFetched(ref: ParsedRef, out: SecretValueLike, region: string | undefined): Issued {
  const value = out.SecretString ?? out.SecretBinary;
  if (value === undefined) {
    throw new NotFoundError({
      provider: "aws",
      reference: ref.raw,
      message: `aws: ${smSubject(ref)}${region ? ` in ${region}` : ""} has no value in this version (neither SecretString nor SecretBinary).`,
    });
  }
  return { value, ...(out.VersionId ? { version: out.VersionId } : {}) };
}

function mapError(ref: ParsedRef, err: unknown, region: string | undefined): SecretsError {
  return toSecretsError(err, {
    reference: ref.raw,
    subject: smSubject(ref),
    ...(region ? { region } : {}),
  });
}

/** Reads one secret with GetSecretValue. */
export async function getSecretValue(clients: AwsClients, ref: ParsedRef): Promise<Issued> {
  const region = clients.region(ref.options.region);
  const { sdk, client } = await clients.secretsManager(ref.options.region);
  let out: SecretValueLike;
  try {
    out = await client.send(
      new sdk.GetSecretValueCommand({
        SecretId: ref.path,
        // AWSCURRENT is sent explicitly when nothing is pinned: the same answer
        // on AWS, and moto's implicit default lags UpdateSecretVersionStage.
        VersionStage:
          ref.options.versionStage ?? (ref.options.versionId ? undefined : "AWSCURRENT"),
        VersionId: ref.options.versionId,
      }),
    );
  } catch (err) {
    throw mapError(ref, err, region);
  }
  return toFetched(ref, out, region);
}

/** Whether a failed BatchGetSecretValue means this identity or endpoint cannot batch at all. */
export function isBatchUnavailable(err: unknown): boolean {
  const code = awsErrorCode(err);
  return (code !== undefined && NO_BATCH.has(code)) || httpStatus(err) === 501;
}

/** Whether a failed page should be read one by one (this page only) rather than failed. */
function isPageRejected(err: unknown): boolean {
  const status = httpStatus(err);
  return awsErrorCode(err) === "ValidationException" || status === 403 || status === 404;
}

/**
 * Reads many `aws-sm://` references. AWSCURRENT reads are grouped by region
 * into BatchGetSecretValue calls of up to 20 ids, run in parallel; pinned
 * versions and stages use GetSecretValue. An id the batch answer neither
 * returns nor reports (moto drops unknown ids silently; a partial ARN matches
 * neither name nor ARN) is read with GetSecretValue, which names what is missing.
 */
export async function batchGetSecretValues(
  clients: AwsClients,
  refs: readonly ParsedRef[],
  state: BatchState,
): Promise<Array<Issued | Error>> {
  return readInPages(refs, {
    pageSize: SM_BATCH_SIZE,
    canBatch: (ref) => clients.config.batch && !state.smBatchUnavailable && batchable(ref),
    single: (ref) => getSecretValue(clients, ref),
    page: (region, ids, indices, results, single) =>
      batchPage(clients, region, ids, indices, refs, results, state, single),
    notReturned: (ref) => `aws: ${smSubject(ref)} was not returned.`,
  });
}

async function batchPage(
  clients: AwsClients,
  regionOverride: string | undefined,
  page: string[],
  ids: Map<string, number[]>,
  refs: readonly ParsedRef[],
  results: BatchResults,
  state: BatchState,
  single: (i: number) => Promise<void>,
): Promise<void> {
  const region = clients.region(regionOverride);
  const { sdk, client } = await clients.secretsManager(regionOverride);
  const values = new Map<string, SecretValueLike>();
  const errors = new Map<string, { ErrorCode?: string; Message?: string }>();
  try {
    let token: string | undefined;
    do {
      const out = await client.send(
        new sdk.BatchGetSecretValueCommand({ SecretIdList: page, NextToken: token }),
      );
      for (const v of out.SecretValues ?? []) {
        if (v.Name) values.set(v.Name, v);
        if (v.ARN) values.set(v.ARN, v);
      }
      for (const e of out.Errors ?? []) if (e.SecretId) errors.set(e.SecretId, e);
      token = out.NextToken;
    } while (token);
  } catch (err) {
    if (isBatchUnavailable(err) || isPageRejected(err)) {
      // Denied (no secretsmanager:BatchGetSecretValue) or not offered by this
      // endpoint: remember it. A page refused for another reason (a proxy's
      // 404, one invalid id list) falls back for this page only.
      if (isBatchUnavailable(err)) state.smBatchUnavailable = true;
      await Promise.all(page.flatMap((id) => (ids.get(id) ?? []).map(single)));
      return;
    }
    for (const id of page) {
      for (const i of ids.get(id) ?? []) results[i] = mapError(refs[i] as ParsedRef, err, region);
    }
    return;
  }
  const retries: Array<Promise<void>> = [];
  for (const id of page) {
    const indices = ids.get(id) ?? [];
    const value = values.get(id);
    const error = errors.get(id);
    for (const i of indices) {
      const ref = refs[i] as ParsedRef;
      if (value) {
        try {
          results[i] = toFetched(ref, value, region);
        } catch (e) {
          results[i] = e as Error;
        }
      } else if (error) {
        // Rebuild an SDK-like error so one mapping serves both paths.
        const cause = Object.assign(
          new Error(`${error.ErrorCode ?? "Error"}: ${error.Message ?? ""}`),
          {
            name: error.ErrorCode ?? "Error",
          },
        );
        results[i] = mapError(ref, cause, region);
      } else {
        retries.push(single(i));
      }
    }
  }
  await Promise.all(retries);
}
