// Per-run settings of the Azure stand-in: TLS material, signing keys, ids and the secret.
// Used by scripts/emulators/start.mjs, which launches server.ts with the config written here.
import { generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { AzureStandIn } from "../../../scripts/emulators/start.mjs";
import { makeTls } from "./certs.ts";
import type { AzureServerConfig } from "./server.ts";

/** Makes keys and TLS in `dir`, writes `dir/config.json` (mode 0600) and returns both views. */
export function prepareAzureStandIn(
  dir: string,
  port: number,
): { configFile: string; info: AzureStandIn } {
  const tls = makeTls(dir);
  const tokenKey = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const fedKey = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const pem = (k: import("node:crypto").KeyObject) =>
    k.export({ type: "pkcs8", format: "pem" }) as string;
  const origin = `https://127.0.0.1:${port}`;
  const tenantId = randomUUID();
  const config: AzureServerConfig = {
    port,
    tenantId,
    clientId: randomUUID(),
    // Built at run time, never a literal: the repo's leak scanner reads the tests.
    clientSecret: `stand-in~${randomBytes(24).toString("base64url")}`,
    tokenKeyPem: pem(tokenKey.privateKey),
    tokenKid: `stand-in-${randomBytes(6).toString("hex")}`,
    federated: {
      issuer: `https://oidc.stand-in.invalid/${randomUUID()}`,
      audience: "api://AzureADTokenExchange",
      publicKeyPem: fedKey.publicKey.export({ type: "spki", format: "pem" }) as string,
    },
    identityHeader: randomBytes(16).toString("hex"),
    managedIdentityObjectId: randomUUID(),
    controlToken: randomBytes(16).toString("hex"),
    tls: { certPem: tls.certPem, keyPem: tls.keyPem },
  };
  const configFile = join(dir, "config.json");
  writeFileSync(configFile, JSON.stringify(config), { mode: 0o600 });
  return {
    configFile,
    info: {
      vaultUrl: origin,
      authorityHost: origin,
      tenantId,
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      caFile: tls.caFile,
      tokenIssuer: `${origin}/${tenantId}/v2.0`,
      vaultAudience: "https://vault.azure.net",
      federated: {
        issuer: config.federated.issuer,
        audience: config.federated.audience,
        algorithm: "ES256",
        privateKeyPem: pem(fedKey.privateKey),
      },
      managedIdentity: {
        endpoint: `${origin}/msi/token`,
        header: config.identityHeader,
        objectId: config.managedIdentityObjectId,
      },
      accessTokenSigning: {
        algorithm: "RS256",
        kid: config.tokenKid,
        privateKeyPem: config.tokenKeyPem,
      },
      control: { url: `${origin}/__stand-in`, token: config.controlToken },
    },
  };
}
