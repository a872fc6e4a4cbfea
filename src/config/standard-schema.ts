/**
 * Standard Schema v1 (https://standardschema.dev), the interface Zod >= 3.24,
 * Valibot >= 1.0, ArkType >= 2.0 and others implement. The types are copied
 * from `@standard-schema/spec` 1.1.0 (MIT), as the spec invites libraries
 * that accept schemas to do: they are types only, and a copy adds no
 * dependency for users. Only the parts `defineConfig` reads are kept.
 */

/**
 * A schema any Standard Schema library makes (`z.string()`, `v.string()`, `type("string")` ...).
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * const port: StandardSchemaV1<unknown, number> = z.coerce.number().int();
 * ```
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  /** The Standard Schema properties. */
  readonly "~standard": StandardSchemaV1.Props<Input, Output>;
}

/**
 * The types of {@link StandardSchemaV1}, as the spec names them.
 *
 * @example
 * ```ts
 * type Port = StandardSchemaV1.InferOutput<typeof portSchema>;
 * ```
 */
export declare namespace StandardSchemaV1 {
  /** The `~standard` property. */
  export interface Props<Input = unknown, Output = Input> {
    /** The version of the spec: 1. */
    readonly version: 1;
    /** The library, such as `zod`. */
    readonly vendor: string;
    /** Validates a value; may return a promise (async refinements). */
    readonly validate: (value: unknown) => Result<Output> | Promise<Result<Output>>;
    /** The input and output types, for inference only. */
    readonly types?: Types<Input, Output> | undefined;
  }
  /** A validation result. */
  export type Result<Output> = SuccessResult<Output> | FailureResult;
  /** A success: the (possibly transformed) value. */
  export interface SuccessResult<Output> {
    /** The output value. */
    readonly value: Output;
    /** Absent on success. */
    readonly issues?: undefined;
  }
  /** A failure: its issues. */
  export interface FailureResult {
    /** The issues found. */
    readonly issues: ReadonlyArray<Issue>;
  }
  /** One issue. Libraries may add fields (Valibot's `input`): they are never kept. */
  export interface Issue {
    /** The library's message; it may quote the input. */
    readonly message: string;
    /** Where in the value, for nested values. */
    readonly path?: ReadonlyArray<PropertyKey | PathSegment> | undefined;
  }
  /** A path segment in object form. */
  export interface PathSegment {
    /** The key. */
    readonly key: PropertyKey;
  }
  /** Types carried for inference. */
  export interface Types<Input = unknown, Output = Input> {
    /** The input type. */
    readonly input: Input;
    /** The output type. */
    readonly output: Output;
  }
  /** The input type of a schema. */
  export type InferInput<Schema extends StandardSchemaV1> = NonNullable<
    Schema["~standard"]["types"]
  >["input"];
  /** The output type of a schema. */
  export type InferOutput<Schema extends StandardSchemaV1> = NonNullable<
    Schema["~standard"]["types"]
  >["output"];
}
