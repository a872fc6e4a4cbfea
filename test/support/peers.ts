/** The optional peer packages a list of providers declares (their cloud SDKs), from the declarations. */

/** Structural, so that both `src/` and `dist/` providers fit. */
interface Declared {
  readonly declaration: { readonly peers?: Readonly<Record<string, string>> };
}

export function optionalPeersOf(providers: readonly Declared[]): Set<string> {
  return new Set(providers.flatMap((p) => Object.keys(p.declaration.peers ?? {})));
}
