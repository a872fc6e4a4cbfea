// Per-run TLS material for the Azure stand-in: a CA and a leaf for IP 127.0.0.1.
// node:crypto can parse X.509 (X509Certificate) but cannot issue certificates, so this uses
// the `openssl` binary (present on Debian/Ubuntu and macOS; no npm dependency, about 50 ms).
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface TlsMaterial {
  /** PEM file of the CA: what NODE_EXTRA_CA_CERTS points at. */
  caFile: string;
  caPem: string;
  certPem: string;
  keyPem: string;
}

function openssl(args: string[], cwd: string): void {
  const r = spawnSync("openssl", args, { cwd, encoding: "utf8" });
  if (r.error) {
    throw new Error(
      `the Azure stand-in needs the openssl binary to make its per-run CA: ${r.error.message}`,
    );
  }
  if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr.trim()}`);
}

/** Writes ca.pem, ca.key, leaf.pem, leaf.key into `dir` (a fresh temp dir) and returns them. */
export function makeTls(dir: string): TlsMaterial {
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  openssl(
    [
      "req",
      "-x509",
      ...ec,
      "-keyout",
      "ca.key",
      "-out",
      "ca.pem",
      "-days",
      "2",
      "-subj",
      "/CN=secrets-loader test CA (per run)",
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    ],
    dir,
  );
  openssl(
    ["req", "-new", ...ec, "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=127.0.0.1"],
    dir,
  );
  writeFileSync(
    join(dir, "leaf.ext"),
    "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n" +
      "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n",
  );
  openssl(
    [
      "x509",
      "-req",
      "-in",
      "leaf.csr",
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      "leaf.pem",
      "-days",
      "2",
      "-extfile",
      "leaf.ext",
    ],
    dir,
  );
  const read = (f: string) => readFileSync(join(dir, f), "utf8");
  return {
    caFile: join(dir, "ca.pem"),
    caPem: read("ca.pem"),
    certPem: read("leaf.pem"),
    keyPem: read("leaf.key"),
  };
}
