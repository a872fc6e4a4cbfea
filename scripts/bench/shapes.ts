/**
 * Pathological inputs for the leak scanner, generated at run time (never
 * committed): the shapes that made a scan time grow with the square of the
 * matches on one line. Used by bench/scan.bench.ts (tens of megabytes) and by
 * the scaling unit test (a few hundred kilobytes, counting work, not time).
 * Fake keys are assembled from split prefixes and random characters.
 */

import { prng } from "./generate.ts";

const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const ALNUM = `${UPPER}abcdefghijklmnopqrstuvwxyz0123456789`;

function chars(rand: () => number, alphabet: string, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(rand() * alphabet.length)];
  return s;
}

/**
 * A CloudTrail log as one JSON line: `records` events, each with an
 * `ASIA…` access key id (no secret key anywhere), a session token field and
 * the usual ARNs and ids.
 */
export function cloudTrailLine(records: number, seed = 1): string {
  const rand = prng(seed);
  const parts: string[] = [];
  for (let i = 0; i < records; i++) {
    const id = ["AS", "IA", chars(rand, `${UPPER}234567`, 16)].join("");
    parts.push(
      JSON.stringify({
        eventVersion: "1.08",
        userIdentity: {
          type: "AssumedRole",
          principalId: `AROA${chars(rand, `${UPPER}234567`, 17)}:session-${i}`,
          arn: `arn:aws:sts::123456789012:assumed-role/deploy/session-${i}`,
          accountId: "123456789012",
          accessKeyId: id,
          sessionContext: {
            attributes: { creationDate: "2026-01-01T00:00:00Z", mfaAuthenticated: "false" },
          },
        },
        eventTime: "2026-01-01T00:00:00Z",
        eventSource: "s3.amazonaws.com",
        eventName: "GetObject",
        awsRegion: "eu-west-1",
        sourceIPAddress: "203.0.113.7",
        userAgent: "aws-sdk-js/3.0",
        requestParameters: { bucketName: "logs", key: `2026/01/01/${chars(rand, ALNUM, 12)}.json` },
        requestID: chars(rand, `${UPPER}0123456789`, 16),
        eventID: `${chars(rand, "0123456789abcdef", 8)}-0000-4000-8000-${chars(rand, "0123456789abcdef", 12)}`,
      }),
    );
  }
  return `{"Records":[${parts.join(",")}]}\n`;
}

/** `count` GitHub-token-shaped fakes on one line, separated by spaces. */
export function tokensLine(count: number, seed = 2): string {
  const rand = prng(seed);
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(["gh", "p_", chars(rand, ALNUM, 36)].join(""));
  return `${out.join(" ")}\n`;
}

/**
 * A minified JavaScript bundle of about `bytes` bytes on a few very long
 * lines: the words key, token, secret and password everywhere in code
 * expressions, base64 data URIs, no key planted.
 */
export function minifiedBundle(bytes: number, seed = 3): string {
  const rand = prng(seed);
  const id = () => chars(rand, "abcdefghijklmnopqrstuvwxyz", 1) + chars(rand, ALNUM, 2);
  const snippets = [
    () => `var ${id()}="__reactHandles$"+${id()}Key,${id()}=function(e){return e.token||null};`,
    () => `${id()}.featuresKey="@babel/plugin-${chars(rand, "abcdefghijklmnopqrstuvwxyz", 8)}";`,
    () => `function ${id()}(e,t){var n=e.secretKey,r=t.password;return n&&r?${id()}(n,r):void 0}`,
    () => `${id()}={key:${id()},ref:null,props:{token:e.token,apiKey:t.apiKey}};`,
    () => `if(${id()}.passwordHash!==${id()}(t))throw new Error("bad password");`,
    () =>
      `${id()}.src="data:image/png;base64,${Buffer.from(chars(rand, ALNUM, 90)).toString("base64")}";`,
    () => `for(var ${id()}=0;${id()}<e.length;${id()}++){${id()}[e[${id()}].key]=e[${id()}].value}`,
    () => `headers:{Authorization:"Bearer "+${id()}.accessToken},`,
  ];
  const lines: string[] = [];
  let size = 0;
  let line: string[] = [];
  let lineSize = 0;
  while (size < bytes) {
    const s = (snippets[Math.floor(rand() * snippets.length)] as () => string)();
    line.push(s);
    lineSize += s.length;
    size += s.length;
    // Lines of about 2 MB, as bundlers emit them.
    if (lineSize > 2 * 1024 * 1024) {
      lines.push(line.join(""));
      size += 1;
      line = [];
      lineSize = 0;
    }
  }
  if (line.length) lines.push(line.join(""));
  return `${lines.join("\n")}\n`;
}

/** Ordinary source code, for the per-megabyte baseline: many short lines. */
export function ordinaryCode(bytes: number, seed = 4): string {
  const rand = prng(seed);
  const out: string[] = [];
  let size = 0;
  let i = 0;
  while (size < bytes) {
    const lines = [
      `export async function handler${i}(req: Request, token: string): Promise<Response> {`,
      `  const apiKey = process.env.API_KEY_${i} ?? "";`,
      `  const cacheKey = \`user:\${req.url}:${chars(rand, ALNUM, 6)}\`;`,
      `  const secret = await getSecret("aws-sm://prod/app-${i}");`,
      "  if (!token) throw new Error('missing token');",
      `  return fetch(url, { headers: { authorization: \`Bearer \${token}\` } });`,
      "}",
      "",
    ].join("\n");
    out.push(lines);
    size += lines.length + 1;
    i++;
  }
  return out.join("\n");
}
