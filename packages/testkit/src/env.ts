/** An environment variable of the test run in Node; undefined in a browser, which has none. */
export function testEnv(name: string): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.[name];
}
