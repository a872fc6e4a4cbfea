/**
 * `aws-ssm://` references: GetParameter (with decryption) for one,
 * GetParameters (10 names per call, in parallel) for many.
 *
 * StringList parameters are returned as a JSON array string (`["a","b"]`),
 * so `{ type: "json" }` yields an array and `#0` selects an item; with the
 * default string type the caller sees that JSON text, not AWS's comma list.
 */

import type { Issued, ParsedRef } from "../../src/provider/index.js";
import { NotFoundError, type SecretsError } from "../../src/provider/index.js";
import { type BatchResults, type BatchState, readInPages } from "./batching.js";
import type { AwsClients } from "./clients.js";
import { awsErrorCode, toSecretsError } from "./errors.js";

/** GetParameters takes at most 10 names per call. */
export const SSM_BATCH_SIZE = 10;

/** The name GetParameter takes: `name`, `name:version` or `name:label`. */
export function ssmName(ref: ParsedRef): string {
  const { version, label } = ref.options;
  return version ? `${ref.path}:${version}` : label ? `${ref.path}:${label}` : ref.path;
}

/** `parameter "/prod/db/password" (version 3)`: the subject of messages. */
export function ssmSubject(ref: ParsedRef): string {
  const { version, label } = ref.options;
  const sel = version ? ` (version ${version})` : label ? ` (label ${label})` : "";
  return `parameter "${ref.path}"${sel}`;
}

interface ParameterLike {
  Name?: string;
  ARN?: string;
  Type?: string;
  Value?: string;
  Version?: number;
}

/**
 * The value handed to the core: StringList becomes a JSON array string.
 *
 * @internal
 */
export function parameterValue(p: { Type?: string; Value?: string }): string | undefined {
  if (p.Value === undefined) return undefined;
  return p.Type === "StringList" ? JSON.stringify(p.Value.split(",")) : p.Value;
}

function toFetched(ref: ParsedRef, p: ParameterLike | undefined): Issued {
  const value = p ? parameterValue(p) : undefined;
  if (value === undefined) {
    throw new NotFoundError({
      provider: "aws",
      reference: ref.raw,
      message: `aws: ${ssmSubject(ref)} has no value.`,
    });
  }
  return { value, ...(p?.Version !== undefined ? { version: String(p.Version) } : {}) };
}

function mapError(ref: ParsedRef, err: unknown, region: string | undefined): SecretsError {
  return toSecretsError(err, {
    reference: ref.raw,
    subject: ssmSubject(ref),
    ...(region ? { region } : {}),
  });
}

/** Reads one parameter with GetParameter, decrypting SecureStrings. */
export async function getParameter(clients: AwsClients, ref: ParsedRef): Promise<Issued> {
  const region = clients.region(ref.options.region);
  const { sdk, client } = await clients.ssm(ref.options.region);
  let out: { Parameter?: ParameterLike };
  try {
    out = await client.send(
      new sdk.GetParameterCommand({ Name: ssmName(ref), WithDecryption: true }),
    );
  } catch (err) {
    throw mapError(ref, err, region);
  }
  return toFetched(ref, out.Parameter);
}

/**
 * Reads many parameters. Plain names are grouped by region into GetParameters
 * calls of up to 10; names with a version or label selector use GetParameter,
 * because GetParameters answers carry no reliable selector to match them by.
 * Names in `InvalidParameters` are NotFound; a name neither returned nor
 * reported is read on its own.
 */
export async function getParameters(
  clients: AwsClients,
  refs: readonly ParsedRef[],
  state: BatchState,
): Promise<Array<Issued | Error>> {
  return readInPages(refs, {
    pageSize: SSM_BATCH_SIZE,
    canBatch: (ref) =>
      clients.config.batch &&
      !state.ssmBatchUnavailable &&
      !ref.options.version &&
      !ref.options.label,
    single: (ref) => getParameter(clients, ref),
    page: (region, names, indices, results, single) =>
      parametersPage(clients, region, names, indices, refs, results, single, state),
    notReturned: (ref) => `aws: ${ssmSubject(ref)} was not returned.`,
  });
}

async function parametersPage(
  clients: AwsClients,
  regionOverride: string | undefined,
  page: string[],
  names: Map<string, number[]>,
  refs: readonly ParsedRef[],
  results: BatchResults,
  single: (i: number) => Promise<void>,
  state: BatchState,
): Promise<void> {
  const region = clients.region(regionOverride);
  const { sdk, client } = await clients.ssm(regionOverride);
  let out: { Parameters?: ParameterLike[]; InvalidParameters?: string[] };
  try {
    out = await client.send(new sdk.GetParametersCommand({ Names: page, WithDecryption: true }));
  } catch (err) {
    if (/^AccessDenied/.test(awsErrorCode(err) ?? "")) {
      // Allowed ssm:GetParameter but not ssm:GetParameters: read one by one,
      // and stop batching for this provider.
      state.ssmBatchUnavailable = true;
      await Promise.all(page.flatMap((name) => (names.get(name) ?? []).map(single)));
      return;
    }
    for (const name of page)
      for (const i of names.get(name) ?? [])
        results[i] = mapError(refs[i] as ParsedRef, err, region);
    return;
  }
  const found = new Map<string, ParameterLike>();
  for (const p of out.Parameters ?? []) {
    if (p.Name) found.set(p.Name, p);
    if (p.ARN) found.set(p.ARN, p);
  }
  const invalid = new Set(out.InvalidParameters ?? []);
  const retries: Array<Promise<void>> = [];
  for (const name of page) {
    for (const i of names.get(name) ?? []) {
      const ref = refs[i] as ParsedRef;
      const p = found.get(name);
      if (p) {
        try {
          results[i] = toFetched(ref, p);
        } catch (e) {
          results[i] = e as Error;
        }
      } else if (invalid.has(name)) {
        results[i] = new NotFoundError({
          provider: "aws",
          reference: ref.raw,
          message: `aws: ${ssmSubject(ref)} was not found${region ? ` in ${region}` : ""} (GetParameters InvalidParameters). Check the name and the region.`,
        });
      } else {
        retries.push(single(i));
      }
    }
  }
  await Promise.all(retries);
}
