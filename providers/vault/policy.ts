/**
 * Reading a Vault ACL policy for administrator rights: used by the
 * provider's identity() (loaded only when asked) and shown by the doctor.
 */

const EVERYTHING = ["create", "read", "update", "delete", "list"];

/**
 * What makes an ACL policy an administrator's, in words, or undefined: `sudo`
 * on any path, or every capability (or `*`) on the path "*". Policies written
 * in HCL are read; JSON policies are not judged.
 *
 * @example
 * ```ts
 * adminGrant('path "*" { capabilities = ["sudo"] }'); // 'sudo on "*"'
 * adminGrant('path "secret/data/app/*" { capabilities = ["read"] }'); // undefined
 * ```
 */
export function adminGrant(hcl: string): string | undefined {
  const block = /path\s+"([^"]*)"\s*\{([^}]*)\}/g;
  for (let m = block.exec(hcl); m; m = block.exec(hcl)) {
    const path = m[1] ?? "";
    const caps = /capabilities\s*=\s*\[([^\]]*)\]/.exec(m[2] ?? "")?.[1] ?? "";
    const list = [...caps.matchAll(/"([^"]+)"/g)].map((c) => c[1] as string);
    if (list.includes("sudo")) return `sudo on "${path}"`;
    if (path === "*" && (list.includes("*") || EVERYTHING.every((c) => list.includes(c)))) {
      return 'every capability on "*"';
    }
  }
  return undefined;
}
