/**
 * A provider that serves a persisted directory: what `mimi serve` runs when its configuration has
 * a `discovery` key naming a directory seed file (decision 0711).
 */
import {
  type LogSink,
  openDatabase,
  type ProviderConfig,
  providerOptionsOf,
  type RunningProvider,
  startProvider,
} from "@mimi/transport";
import { persistedDirectoryEndpoint, readDirectorySeedFile } from "./directory-seed.js";

/**
 * Starts a provider from a parsed configuration with its `identifierQuery` endpoint answering
 * from the directory persisted in the provider's own storage, seeded from the file `discovery`
 * names (relative to `baseDir`, the configuration's folder). Stopping the provider closes the
 * storage.
 * @throws ValidationError `DISC-CONF-02` for a missing or malformed seed file, or a seeded user
 * the directory refuses; the transport's errors for the rest of the configuration.
 */
export async function startProviderWithDirectory(
  config: ProviderConfig,
  discovery: unknown,
  baseDir: string,
  log?: LogSink,
): Promise<RunningProvider> {
  const seed = readDirectorySeedFile(discovery, baseDir);
  const options = providerOptionsOf(config, log);
  const db = await openDatabase(config.storage);
  try {
    const { endpoint } = await persistedDirectoryEndpoint(db, config.domain, seed);
    const running = await startProvider({ ...options, storage: db, extraEndpoints: [endpoint] });
    return {
      ...running,
      async stop(graceMs?: number): Promise<void> {
        try {
          await running.stop(graceMs);
        } finally {
          await db.close();
        }
      },
    };
  } catch (e) {
    await db.close();
    throw e;
  }
}
