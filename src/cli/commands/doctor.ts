export async function runDoctor(_a: unknown, _o: unknown): Promise<number> {
  return 0;
}
