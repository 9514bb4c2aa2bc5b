/**
 * A running MIMI provider: federation server, client API, federation client, metrics.
 */
export { providerOptionsOf, reloadProviderTls, startProviderFromConfig } from "./from-config.js";
export {
  type ListenAddress,
  mergeEndpoints,
  type ProviderOptions,
  type RunningProvider,
  startProvider,
} from "./provider.js";
