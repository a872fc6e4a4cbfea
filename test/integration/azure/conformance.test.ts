// Holds the Azure stand-in to the real Key Vault: replays every exchange of the recordings in
// test/fixtures/azure-recordings/ (made by the Azure SDK's own tests against the real service)
// and compares status, error codes, the 401 challenge (authority host aside) and the JSON shape
// of each answer (field names and types; ids, timestamps and values may differ).
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { type AzureStandIn, standIn } from "../../support/stand-ins.js";

interface Entry {
  RequestUri: string;
  RequestMethod: string;
  RequestHeaders: Record<string, string>;
  RequestBody: unknown;
  StatusCode: number;
  ResponseHeaders: Record<string, string>;
  ResponseBody: unknown;
}

const DIR = fileURLToPath(new URL("../../fixtures/azure-recordings/", import.meta.url));
const RECORDED_HOST = /^https:\/\/keyvault_name\.vault\.azure\.net(:443)?/;
const recordings = readdirSync(DIR, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) =>
    readdirSync(join(DIR, d.name))
      .filter((f) => f.endsWith(".json"))
      .map((f) => `${d.name}/${f}`),
  )
  .sort();

/** The JSON shape: field names and value types, recursively; arrays by their elements' shapes. */
function shape(v: unknown): unknown {
  if (v === null) return "null";
  if (Array.isArray(v)) return [...new Set(v.map((x) => JSON.stringify(shape(x))))].sort();
  if (typeof v === "object") {
    return Object.fromEntries(
      Object.keys(v as object)
        .sort()
        .map((k) => [k, shape((v as Record<string, unknown>)[k])]),
    );
  }
  return typeof v;
}

const errorCodes = (body: unknown) => {
  const e = (body as { error?: { code?: unknown; innererror?: { code?: unknown } } })?.error;
  return { code: e?.code, inner: e?.innererror?.code };
};

/** The challenge with the authority's origin and the tenant id taken out. */
const challenge = (header: string | null | undefined, tenant: RegExp) =>
  header
    ?.replace(/authorization="https:\/\/[^/"]+\//, 'authorization="<authority>/')
    .replace(tenant, "<tenant>");

async function vaultToken(azure: AzureStandIn): Promise<string> {
  const r = await fetch(`${azure.authorityHost}/${azure.tenantId}/oauth2/v2.0/token`, {
    method: "POST",
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: azure.clientId,
      client_secret: azure.clientSecret,
      scope: "https://vault.azure.net/.default",
    }),
  });
  expect(r.status).toBe(200);
  return ((await r.json()) as { access_token: string }).access_token;
}

describe("the Azure stand-in answers like the recorded Key Vault", () => {
  let azure: AzureStandIn;
  let token: string;
  beforeAll(async () => {
    azure = standIn("azure");
    token = await vaultToken(azure);
  });

  it("has all six recordings", () => {
    expect(recordings).toHaveLength(6);
  });

  for (const file of recordings) {
    it(`replays ${file}`, async () => {
      const { Entries } = JSON.parse(readFileSync(join(DIR, file), "utf8")) as {
        Entries: Entry[];
      };
      // A fresh secret name per replay: the stand-in is shared by the run.
      const suffix = randomBytes(4).toString("hex");
      const names = new Map<string, string>();
      const versions = new Map<string, string>(); // recorded version id -> stand-in's
      let lastNextLink: string | null = null;
      const diffs: string[] = [];

      for (const [i, e] of Entries.entries()) {
        const where = `${file} #${i} ${e.RequestMethod} ${e.RequestUri.replace(RECORDED_HOST, "")}`;
        let path = e.RequestUri.replace(RECORDED_HOST, "");
        path = path.replace(/^\/secrets\/([^/?]+)/, (_m, name: string) => {
          if (!names.has(name)) names.set(name, `${name}${suffix}`);
          return `/secrets/${names.get(name)}`;
        });
        path = path.replace(/\/([0-9a-f]{32})(?=\?)/, (m, id: string) =>
          versions.has(id) ? `/${versions.get(id)}` : m,
        );
        let url = `${azure.vaultUrl}${path}`;
        if (path.includes("$skiptoken=")) {
          // The recorded token is the real service's; follow the stand-in's own nextLink.
          if (!lastNextLink) {
            diffs.push(`${where}: the stand-in gave no nextLink to follow`);
            break;
          }
          url = lastNextLink;
        }
        const authorized = "Authorization" in e.RequestHeaders;
        const res = await fetch(url, {
          method: e.RequestMethod,
          headers: {
            accept: "application/json",
            ...(e.RequestBody !== null ? { "content-type": "application/json" } : {}),
            ...(authorized ? { authorization: `Bearer ${token}` } : {}),
          },
          body: e.RequestBody === null ? undefined : JSON.stringify(e.RequestBody),
        });
        const text = await res.text();
        const body: unknown = text ? JSON.parse(text) : null;

        if (res.status !== e.StatusCode)
          diffs.push(`${where}: status ${res.status}, recorded ${e.StatusCode}`);
        const got = errorCodes(body);
        const want = errorCodes(e.ResponseBody);
        if (got.code !== want.code || got.inner !== want.inner) {
          diffs.push(`${where}: error ${JSON.stringify(got)}, recorded ${JSON.stringify(want)}`);
        }
        const recordedChallenge = challenge(
          e.ResponseHeaders["WWW-Authenticate"],
          /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/,
        );
        const ourChallenge = challenge(
          res.headers.get("www-authenticate"),
          new RegExp(azure.tenantId),
        );
        if (recordedChallenge !== ourChallenge) {
          diffs.push(`${where}: challenge ${ourChallenge}, recorded ${recordedChallenge}`);
        }
        if (
          ourChallenge &&
          !res.headers
            .get("www-authenticate")
            ?.includes(`${azure.authorityHost}/${azure.tenantId}"`)
        ) {
          diffs.push(`${where}: the challenge does not point at the stand-in's authority`);
        }
        const recordedType = e.ResponseHeaders["Content-Type"];
        if (recordedType && res.headers.get("content-type") !== recordedType) {
          diffs.push(
            `${where}: content-type ${res.headers.get("content-type")}, recorded ${recordedType}`,
          );
        }
        if (JSON.stringify(shape(body)) !== JSON.stringify(shape(e.ResponseBody))) {
          diffs.push(
            `${where}: JSON shape ${JSON.stringify(shape(body))}, recorded ${JSON.stringify(shape(e.ResponseBody))}`,
          );
        }
        if (e.RequestMethod === "PUT" && e.StatusCode === 200) {
          const recordedId = (e.ResponseBody as { id: string }).id.split("/").at(-1) as string;
          const ourId = ((body as { id?: string })?.id ?? "").split("/").at(-1) as string;
          versions.set(recordedId, ourId);
        }
        if (body && typeof body === "object" && "nextLink" in body) {
          lastNextLink = (body as { nextLink: string | null }).nextLink;
          if (lastNextLink && !lastNextLink.startsWith(`${azure.vaultUrl}/`)) {
            diffs.push(`${where}: nextLink ${lastNextLink} is not on the stand-in`);
          }
        }
      }
      expect(diffs).toEqual([]);
    });
  }
});
