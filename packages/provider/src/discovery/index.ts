/**
 * `@mimi/discovery` on the provider: its SQL stores and migrations, the `identifierQuery`
 * endpoint over a persisted directory, and the HTTPS query client.
 */
export {
  httpsQueryClient,
  identifierQueryEndpoint,
  persistedDirectoryEndpoint,
  type QueryClient,
  type QueryClientOptions,
} from "./identifier-query.js";
export {
  DISCOVERY_LOCK,
  type DiscoveryMigration,
  discoveryMigrations,
  migrateDiscovery,
} from "./migrations.js";
export { readDirectorySeedFile } from "./seed-file.js";
export { SqlConsentStore } from "./sql-consent-store.js";
export { SqlDirectoryStore } from "./sql-directory-store.js";
