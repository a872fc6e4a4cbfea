/**
 * The shared shape of a batched read (BatchGetSecretValue, GetParameters):
 * references that can be batched are grouped by region and id into pages
 * read in parallel; the rest, and ids a page neither returns nor reports,
 * are read one by one so that every failure is named.
 */

import type { Issued, ParsedRef } from "../../src/provider/index.js";
import { NotFoundError } from "../../src/provider/index.js";

/** Mutable per-provider state: once batching is refused, stop trying. */
export interface BatchState {
  smBatchUnavailable: boolean;
  /** The same for GetParameters (a role allowed only ssm:GetParameter). */
  ssmBatchUnavailable: boolean;
}

/** One slot per reference: filled by a page or a single read. */
export type BatchResults = Array<Issued | Error | undefined>;

/** How one service reads in pages. */
export interface PagedRead {
  /** Most ids one call takes. */
  pageSize: number;
  /** Whether this reference may go into a page (plain current reads only). */
  canBatch(ref: ParsedRef): boolean;
  /** Reads one reference on its own. */
  single(ref: ParsedRef): Promise<Issued>;
  /**
   * Reads one page of ids and fills `results` at the indices of each id; an id
   * it cannot place is left empty (or handed to `single`).
   */
  page(
    region: string | undefined,
    ids: string[],
    indices: Map<string, number[]>,
    results: BatchResults,
    single: (i: number) => Promise<void>,
  ): Promise<void>;
  /** The NotFound message for a reference nothing answered for. */
  notReturned(ref: ParsedRef): string;
}

export async function readInPages(
  refs: readonly ParsedRef[],
  read: PagedRead,
): Promise<Array<Issued | Error>> {
  const results: BatchResults = new Array(refs.length);
  const single = (i: number) =>
    read.single(refs[i] as ParsedRef).then(
      (v) => {
        results[i] = v;
      },
      (e: Error) => {
        results[i] = e;
      },
    );
  const jobs: Array<Promise<void>> = [];
  // region -> id -> indices of the references reading it
  const groups = new Map<string, Map<string, number[]>>();
  refs.forEach((ref, i) => {
    if (!read.canBatch(ref)) {
      jobs.push(single(i));
      return;
    }
    const region = ref.options.region ?? "";
    let ids = groups.get(region);
    if (!ids) {
      ids = new Map();
      groups.set(region, ids);
    }
    const list = ids.get(ref.path);
    if (list) list.push(i);
    else ids.set(ref.path, [i]);
  });
  for (const [region, ids] of groups) {
    const all = [...ids.keys()];
    for (let start = 0; start < all.length; start += read.pageSize) {
      const page = all.slice(start, start + read.pageSize);
      jobs.push(
        page.length === 1
          ? Promise.all((ids.get(page[0] as string) ?? []).map(single)).then(() => {})
          : read.page(region || undefined, page, ids, results, single),
      );
    }
  }
  await Promise.all(jobs);
  return results.map(
    (r, i) =>
      r ??
      new NotFoundError({
        provider: "aws",
        reference: refs[i]?.raw,
        message: read.notReturned(refs[i] as ParsedRef),
      }),
  );
}
