/** The Azure credential chain's order (providers/azure/chain.ts), from options and variables. */
import { describe, expect, it } from "vitest";
import { azureSettings, chainLinks } from "../../../providers/azure/chain.js";

const app = { AZURE_TENANT_ID: "tenant", AZURE_CLIENT_ID: "client" };
const secret = ["client", "secret"].join("-");
const links = (env: Record<string, string>, options = {}) =>
  chainLinks(azureSettings(options, env));

describe("chainLinks", () => {
  it("everything configured: workload, managed, CLI, client secret last", () => {
    expect(
      links({
        ...app,
        AZURE_CLIENT_SECRET: secret,
        AZURE_FEDERATED_TOKEN_FILE: "/var/run/token",
        IDENTITY_ENDPOINT: "http://127.0.0.1:1/msi",
      }),
    ).toEqual(["workloadIdentity", "managedIdentity", "azureCli", "clientSecret"]);
  });

  it("the Azure CLI comes before a client secret (a developer's login wins)", () => {
    expect(links({ ...app, AZURE_CLIENT_SECRET: secret })).toEqual(["azureCli", "clientSecret"]);
  });

  it("nothing configured: the VM's managed identity, then the CLI", () => {
    expect(links({})).toEqual(["managedIdentity", "azureCli"]);
  });

  it("a federated token file needs the tenant and client id", () => {
    expect(links({ AZURE_FEDERATED_TOKEN_FILE: "/var/run/token" })).toEqual([
      "managedIdentity",
      "azureCli",
    ]);
  });

  it("options override the variables; azureCli: false drops the CLI", () => {
    expect(
      links({ ...app, AZURE_CLIENT_SECRET: secret }, { azureCli: false, managedIdentity: true }),
    ).toEqual(["managedIdentity", "clientSecret"]);
  });
});
