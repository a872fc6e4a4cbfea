// A key leaks into a public repository; the alert sender (a local stand-in of GitHub's, with a
// key pair it makes itself) reports it; the API revokes it at once; the key stops working.
//   npm run build && node examples/leak-alert/main.mjs
// Keys are never printed: only their id, last four characters and SHA-256.
import { startSender } from "./sender.mjs";
import { startApi } from "./server.mjs";

const sender = await startSender();
const api = await startApi({
  githubKeysUrl: sender.keysUrl,
  onLeaked: (e) =>
    console.log(`   key-leaked event: key ${e.keyId} (${e.prefix}…), ${e.source} at ${e.url}`),
});
const getItems = async (key) => {
  const res = await fetch(`${api.url}/v1/items`, { headers: { authorization: `Bearer ${key}` } });
  const body = await res.json().catch(() => ({}));
  return res.status === 200 ? "200" : `${res.status} ${body.reason}`;
};

try {
  console.log("1. Issue a key and use it");
  const { key, record } = await api.issue();
  console.log(`   issued ${record.prefix}…${record.last4} (id ${record.id})`);
  console.log(`   GET /v1/items -> ${await getItems(key)}`);

  console.log("\n2. The key is pushed to a public repository: the sender alerts the API");
  const matches = [
    {
      token: key,
      type: "acme_demo_api_key",
      url: "https://github.com/octo/demo/blob/main/.env",
      source: "content",
    },
    // A look-alike (right shape, wrong checksum): answered false_positive without a lookup.
    { token: `acme_demo_${"x".repeat(39)}`, type: "acme_demo_api_key", url: "", source: "commit" },
  ];
  const started = performance.now();
  const answer = await sender.send(`${api.url}/leak-alerts`, matches);
  const ms = (performance.now() - started).toFixed(0);
  console.log(`   POST /leak-alerts -> ${answer.status} in ${ms} ms`);
  for (const line of answer.body) console.log(`   ${line.label} ${line.token_hash.slice(0, 16)}…`);

  console.log("\n3. The leaked key no longer works");
  console.log(`   GET /v1/items -> ${await getItems(key)}`);

  console.log("\n4. The same alert again (senders retry): the same answer, no second revocation");
  const again = await sender.send(`${api.url}/leak-alerts`, matches);
  const same = JSON.stringify(again.body) === JSON.stringify(answer.body);
  console.log(
    `   POST /leak-alerts -> ${again.status}, same answer: ${same}, revocations: ${api.revocations()}`,
  );

  console.log("\n5. A forged alert (body changed after signing) for another key");
  const other = await api.issue();
  const forged = await sender.send(
    `${api.url}/leak-alerts`,
    [{ ...matches[0], token: other.key }],
    { tamper: true },
  );
  console.log(`   POST /leak-alerts -> ${forged.status} (${forged.body.detail})`);
  console.log(`   GET /v1/items with that key -> ${await getItems(other.key)}`);
  console.log(`\nPublic keys fetched from the sender: ${sender.keyFetches()} time(s)`);
} finally {
  await api.close();
  await sender.close();
}
