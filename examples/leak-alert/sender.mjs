// A local stand-in of GitHub's secret scanning alert sender: it makes its own ECDSA P-256 key
// pair, publishes the public key the way GitHub does (GET /meta/public_keys/secret_scanning,
// with an ETag), and POSTs signed alerts: the signature is over the exact bytes it sends.
import { generateKeyPairSync, sign } from "node:crypto";
import { createServer } from "node:http";

export async function startSender() {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const keyIdentifier = "local-demo-key-1";
  const list = JSON.stringify({
    public_keys: [
      {
        key_identifier: keyIdentifier,
        key: publicKey.export({ type: "spki", format: "pem" }),
        is_current: true,
      },
    ],
  });
  let keyFetches = 0;
  const server = createServer((req, res) => {
    if (req.url !== "/meta/public_keys/secret_scanning") return void res.writeHead(404).end();
    keyFetches++;
    if (req.headers["if-none-match"] === '"demo-1"') return void res.writeHead(304).end();
    res.writeHead(200, { "content-type": "application/json", etag: '"demo-1"' }).end(list);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${server.address().port}`;

  return {
    keysUrl: `${base}/meta/public_keys/secret_scanning`,
    keyFetches: () => keyFetches,
    /** POSTs `matches` as GitHub does; `tamper` changes the body after signing it. */
    async send(endpoint, matches, { tamper = false } = {}) {
      const body = Buffer.from(JSON.stringify(matches));
      const signature = sign("sha256", body, { key: privateKey, dsaEncoding: "der" }).toString(
        "base64",
      );
      const sent = tamper ? Buffer.from(body.toString().replace("demo", "dem0")) : body;
      const res = await fetch(endpoint, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "github-public-key-identifier": keyIdentifier,
          "github-public-key-signature": signature,
        },
        body: sent,
      });
      return { status: res.status, body: await res.json() };
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
