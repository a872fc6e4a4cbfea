export async function runGet(_a: unknown, _o: unknown): Promise<number> {
  return 0;
}
