/** Shared set-up of the adapter tests: a suite, members with basic credentials, a group of N. */
import {
  type Capabilities,
  type ClientConfig,
  type CustomProposalHandler,
  commit,
  createGroup,
  createKeyPackage,
  defaultCapabilities,
  type Extension,
  joinFromWelcome,
  type KeyPackageBundle,
  loadCiphersuite,
  type MlsCiphersuite,
  type MlsGroupState,
  makeClientConfig,
  unsafeAcceptAllCredentials,
} from "../src/index.js";

export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Default suite with the project's caching provider. */
export const suite: Promise<MlsCiphersuite> = loadCiphersuite();

export function config(customProposalHandler?: CustomProposalHandler): ClientConfig {
  return makeClientConfig({
    authService: unsafeAcceptAllCredentials,
    ...(customProposalHandler === undefined ? {} : { customProposalHandler }),
  });
}

/** Capabilities with extra extension and proposal types. */
export function capabilities(extensions: number[] = [], proposals: number[] = []): Capabilities {
  const d = defaultCapabilities();
  return { ...d, extensions: [...d.extensions, ...extensions], proposals: [...d.proposals, ...proposals] };
}

export function keyPackage(
  cs: MlsCiphersuite,
  name: string,
  caps: Capabilities = capabilities(),
): Promise<KeyPackageBundle> {
  return createKeyPackage(cs, {
    credential: { credentialType: "basic", identity: utf8(name) },
    capabilities: caps,
  });
}

/** A group of `n` members (alice first), every member's state at the same epoch. */
export async function groupOf(
  cs: MlsCiphersuite,
  n: number,
  options: { extensions?: Extension[]; caps?: Capabilities; config?: ClientConfig } = {},
): Promise<MlsGroupState[]> {
  const cfg = options.config ?? config();
  const kps: KeyPackageBundle[] = [];
  for (let i = 0; i < n; i++) kps.push(await keyPackage(cs, `member-${i}`, options.caps));
  let creator = await createGroup(cs, {
    groupId: utf8("mimi://example.com/r/test"),
    keyPackage: kps[0]!,
    extensions: options.extensions ?? [],
    config: cfg,
  });
  if (n === 1) return [creator];
  const r = await commit(creator, cs, {
    proposals: kps.slice(1).map((k) => ({ proposalType: "add", add: { keyPackage: k.publicPackage } })),
    ratchetTreeInWelcome: true,
  });
  creator = r.state;
  const states = [creator];
  for (const k of kps.slice(1))
    states.push((await joinFromWelcome(cs, r.welcome!, k, { config: cfg })).state);
  return states;
}
