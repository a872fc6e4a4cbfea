/**
 * The Secrets Manager calls of a rotation: read the staging labels, read a
 * version by stage, put the pending version, move and remove labels. Values
 * are read by VersionStage (moto's unstaged read lags label moves), and every
 * label change is read back (moto accepts moves that AWS refuses).
 */

import type { Secrets } from "../../../src/provider/index.js";
import { toSecretsError } from "../errors.js";
import { withSecretsManager } from "./seam.js";

/** A secret's versions by id, each with its staging labels. */
export type Labels = ReadonlyMap<string, readonly string[]>;

/** Where a rotation is, from the labels. */
export interface LabelState {
  current: string | undefined;
  previous: string | undefined;
  pending: string[];
}

/** Reads the labels of each version in one map. */
export function stateOf(labels: Labels): LabelState {
  const holding = (stage: string) =>
    [...labels].filter(([, s]) => s.includes(stage)).map(([v]) => v);
  return {
    current: holding("AWSCURRENT")[0],
    previous: holding("AWSPREVIOUS")[0],
    pending: holding("AWSPENDING"),
  };
}

/** Secrets Manager access for one secret, through the client's AWS provider. */
export class SecretVersions {
  readonly #secrets: Secrets;
  readonly #provider: string;
  readonly #id: string;
  readonly #region: string | undefined;
  readonly #reference: string;

  constructor(
    secrets: Secrets,
    provider: string,
    id: string,
    region: string | undefined,
    reference: string,
  ) {
    this.#secrets = secrets;
    this.#provider = provider;
    this.#id = id;
    this.#region = region;
    this.#reference = reference;
  }

  #call<T>(what: string, fn: Parameters<typeof withSecretsManager<T>>[3]): Promise<T> {
    return withSecretsManager(this.#secrets, this.#provider, this.#region, fn).catch(
      (err: unknown) => {
        throw toSecretsError(err, {
          reference: this.#reference,
          subject: `secret "${this.#id}" (${what})`,
          ...(this.#region ? { region: this.#region } : {}),
        });
      },
    );
  }

  /** DescribeSecret's VersionIdsToStages. */
  labels(): Promise<Labels> {
    return this.#call("reading its version labels", async ({ sdk, client }) => {
      const out = await client.send(new sdk.DescribeSecretCommand({ SecretId: this.#id }));
      return new Map(Object.entries(out.VersionIdsToStages ?? {}));
    });
  }

  /** The SecretString of the version holding `stage` (and, when given, with id `versionId`). */
  value(
    stage: "AWSCURRENT" | "AWSPENDING",
    versionId?: string,
  ): Promise<{ value: string; versionId: string }> {
    return this.#call(`reading ${stage}`, async ({ sdk, client }) => {
      const out = await client.send(
        new sdk.GetSecretValueCommand({
          SecretId: this.#id,
          VersionStage: stage,
          VersionId: versionId,
        }),
      );
      if (typeof out.SecretString !== "string" || typeof out.VersionId !== "string") {
        throw Object.assign(
          new Error(
            `the ${stage} version holds no SecretString (binary secrets are not rotated by rotateSecret)`,
          ),
          { name: "InvalidRequestException" },
        );
      }
      return { value: out.SecretString, versionId: out.VersionId };
    });
  }

  /**
   * PutSecretValue labelled AWSPENDING. The token makes the put idempotent: the
   * SDK's own retries resend the same token with the same value, and a token is
   * never reused with another value.
   */
  putPending(value: string, token: string): Promise<string> {
    return this.#call("putting the AWSPENDING version", async ({ sdk, client }) => {
      const out = await client.send(
        new sdk.PutSecretValueCommand({
          SecretId: this.#id,
          SecretString: value,
          ClientRequestToken: token,
          VersionStages: ["AWSPENDING"],
        }),
      );
      return out.VersionId ?? token;
    });
  }

  /** Moves AWSCURRENT from `from` to `to`; Secrets Manager labels `from` AWSPREVIOUS. */
  moveCurrent(to: string, from: string): Promise<void> {
    return this.#call("moving AWSCURRENT", async ({ sdk, client }) => {
      await client.send(
        new sdk.UpdateSecretVersionStageCommand({
          SecretId: this.#id,
          VersionStage: "AWSCURRENT",
          MoveToVersionId: to,
          RemoveFromVersionId: from,
        }),
      );
    });
  }

  /** Removes AWSPENDING from `from` (the way both AWS and moto accept to end a rotation). */
  removePending(from: string): Promise<void> {
    return this.#call("removing AWSPENDING", async ({ sdk, client }) => {
      await client.send(
        new sdk.UpdateSecretVersionStageCommand({
          SecretId: this.#id,
          VersionStage: "AWSPENDING",
          RemoveFromVersionId: from,
        }),
      );
    });
  }
}
