export async function runRun(_a: unknown, _o: unknown): Promise<number> {
  return 0;
}
