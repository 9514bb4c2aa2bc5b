/**
 * What a check works with: the runner's configuration, the target's §5.1 directory (fetched once),
 * requests built from it, sample bodies, and the runner's MLS signing identity.
 */
import { createProviderPki } from "@mimi/identity";
import { createKeyPackage, loadCiphersuite, mimiCapabilities } from "@mimi/mls-profile";
import {
  DIRECTORY_PATH,
  type DirectoryName,
  endpoints,
  expandTemplate,
  type KeyMaterialRequest,
  mlsOf,
  signKeyMaterialRequest,
} from "@mimi/protocol";
import { readVectorsFile } from "@mimi/spec-vectors";
import { fromHex, utf8 } from "@mimi/wire";
import { type ClientTls, exchange, type Outcome, type RawRequest, type TargetAddress } from "./transport.js";

/** Who the runner is, who it tests, and what the target prepared for it (docs/conformance.md). */
export interface RunnerConfig {
  readonly target: TargetAddress;
  /** The runner's provider domain and its mutual-TLS certificate (which the target trusts). */
  readonly runner: { readonly domain: string; readonly tls: ClientTls };
  /** The runner's user (default `mimi://<runner domain>/u/conformance`). */
  readonly runnerUser?: string;
  /**
   * A user of the target with KeyPackages who has granted the runner's user consent (keyMaterial
   * success); the keyMaterial success checks are skipped without one.
   */
  readonly consentingUser?: string;
  /** A user of the target (with or without KeyPackages) who has not consented to the runner's user. */
  readonly knownUser?: string;
  /** A handle the target holds for a user who hides it from the runner (opted out). */
  readonly hiddenHandle?: string;
  /** A handle the target shows to anyone, and the user URI it maps to. */
  readonly visibleHandle?: { readonly handle: string; readonly uri: string };
  /** A room of the target the runner may join with {@link RunnerConfig.joiningCode}. */
  readonly room?: string;
  /** A joining code of {@link RunnerConfig.room} for the runner's client. */
  readonly joiningCode?: Uint8Array;
  /** The role the joining code admits to (default 2). */
  readonly joiningRole?: number;
  /** The MLS cipher suite the target's hub uses (default 1). */
  readonly cipherSuite?: number;
}

/** A check did not pass. */
export class CheckFailed extends Error {
  override name = "CheckFailed";
}

/** A check cannot run against this target (what it needs is missing). */
export class CheckSkipped extends Error {
  override name = "CheckSkipped";
}

/** Fail the check. */
export function fail(reason: string): never {
  throw new CheckFailed(reason);
}

/** Skip the check. */
export function skip(reason: string): never {
  throw new CheckSkipped(reason);
}

/** Sample request bodies, from the recorded federation transcript (decision 0808). */
type Samples = Readonly<Partial<Record<string, Uint8Array>>>;

function loadSamples(): Samples {
  const file = JSON.parse(readVectorsFile("generated/federation/transcript.json")) as {
    testGroups: { tests: { requestStruct?: string; request?: string }[] }[];
  };
  const out: Record<string, Uint8Array> = {};
  for (const g of file.testGroups)
    for (const t of g.tests)
      if (t.requestStruct !== undefined && t.request !== undefined && out[t.requestStruct] === undefined)
        out[t.requestStruct] = fromHex(t.request);
  return out;
}

/** The runner's MLS signing identity: a KeyPackage's signature key and basic credential. */
export interface RunnerSigner {
  readonly clientUri: string;
  readonly signatureKey: Uint8Array;
  readonly credential: KeyMaterialRequest["requesterCredential"];
  readonly privateKey: Uint8Array;
}

/** The parsed directory, or why there is none. */
export type DirectoryState =
  | { readonly ok: true; readonly doc: Readonly<Record<string, unknown>>; readonly outcome: Outcome }
  | { readonly ok: false; readonly why: string; readonly outcome: Outcome };

/** The state of one run shared by its checks. */
export class CheckContext {
  readonly config: RunnerConfig;
  readonly runnerUser: string;
  readonly cipherSuite: number;
  /** What one check leaves for a later one (e.g. the KeyPackages handed out first). */
  readonly memo: Map<string, unknown> = new Map();
  private dir: Promise<DirectoryState> | undefined;
  private samplesCache: Samples | undefined;
  private signers = new Map<string, Promise<RunnerSigner>>();
  private stranger: Promise<ClientTls> | undefined;

  constructor(config: RunnerConfig) {
    this.config = config;
    this.runnerUser = config.runnerUser ?? `mimi://${config.runner.domain}/u/conformance`;
    this.cipherSuite = config.cipherSuite ?? 1;
  }

  get target(): string {
    return this.config.target.domain;
  }

  get runnerDomain(): string {
    return this.config.runner.domain;
  }

  /** `mimi@<runner domain>`. */
  get from(): string {
    return `mimi@${this.config.runner.domain}`;
  }

  /** One request with the runner's identity unless overridden. */
  raw(req: Partial<RawRequest> & Pick<RawRequest, "method" | "path">): Promise<Outcome> {
    return exchange(this.config.target, {
      tls: this.config.runner.tls,
      from: this.from,
      ...req,
    });
  }

  /** The target's directory, fetched once. */
  directory(): Promise<DirectoryState> {
    this.dir ??= (async (): Promise<DirectoryState> => {
      const outcome = await this.raw({ method: "GET", path: DIRECTORY_PATH });
      if (outcome.kind === "none") return { ok: false, why: `no answer: ${outcome.error}`, outcome };
      if (outcome.status !== 200) return { ok: false, why: `answered ${outcome.status}`, outcome };
      let doc: unknown;
      try {
        doc = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(outcome.body));
      } catch (e) {
        return { ok: false, why: `not JSON: ${(e as Error).message.slice(0, 200)}`, outcome };
      }
      if (doc === null || typeof doc !== "object" || Array.isArray(doc))
        return { ok: false, why: "not a JSON object", outcome };
      return { ok: true, doc: doc as Record<string, unknown>, outcome };
    })();
    return this.dir;
  }

  /**
   * The request target (path and query) of `name` with `param`, from the directory.
   *
   * @throws CheckSkipped when the directory does not give a usable URL for it (a directory check
   * fails for that).
   */
  async path(name: DirectoryName, param: string): Promise<string> {
    const d = await this.directory();
    if (!d.ok) skip(`the directory is unusable (${d.why})`);
    const template = d.doc[name];
    if (typeof template !== "string") skip(`the directory lists no ${name}`);
    try {
      const url = new URL(expandTemplate(template, name, param), `https://${this.target}`);
      return `${url.pathname}${url.search}`;
    } catch (e) {
      return skip(`the directory's ${name} entry is unusable: ${(e as Error).message}`);
    }
  }

  /** A request to the endpoint `name` with `param` and `body`, as the runner (overridable). */
  async send(
    name: DirectoryName,
    param: string,
    body?: Uint8Array,
    more: Partial<RawRequest> = {},
  ): Promise<Outcome> {
    const path = await this.path(name, param);
    const method = endpoints[name].method;
    return this.raw({ method, path, ...(body === undefined ? {} : { body }), ...more });
  }

  /** A well-formed body of `struct` (`FanoutMessages`, `UpdateRequest`, …) from the transcript. */
  sample(struct: string): Uint8Array {
    this.samplesCache ??= loadSamples();
    const s = this.samplesCache[struct];
    if (s === undefined) throw new Error(`no sample ${struct}`);
    return s;
  }

  /** The runner's MLS signer for a client of `user` (default the runner's user). */
  signer(user: string = this.runnerUser): Promise<RunnerSigner> {
    let s = this.signers.get(user);
    if (s === undefined) {
      s = (async () => {
        const clientUri = `${user.replace("/u/", "/d/")}/conformance`;
        const kp = await createKeyPackage(await loadCiphersuite(this.cipherSuite), {
          credential: { credentialType: "basic", identity: utf8(clientUri) },
          capabilities: mimiCapabilities(),
        });
        return {
          clientUri,
          signatureKey: kp.publicPackage.leafNode.signaturePublicKey,
          credential: mlsOf("Credential", kp.publicPackage.leafNode.credential),
          privateKey: kp.privatePackage.signaturePrivateKey,
        };
      })();
      this.signers.set(user, s);
    }
    return s;
  }

  /** A signed KeyMaterialRequest of `requester` (default the runner's user) for `target`. */
  async keyMaterialRequest(
    target: string,
    options: { requester?: string; signedBy?: string; requiredExtensions?: readonly number[] } = {},
  ): Promise<KeyMaterialRequest> {
    const requester = options.requester ?? this.runnerUser;
    const signer = await this.signer(options.signedBy ?? requester);
    const cs = await loadCiphersuite(this.cipherSuite);
    return signKeyMaterialRequest(
      {
        protocol: "mls10",
        requestingUser: { uri: requester },
        targetUser: { uri: target },
        roomId: { uri: `mimi://${this.runnerDomain}/r/conformance` },
        acceptableCiphersuites: [this.cipherSuite],
        requiredCapabilities: mlsOf("RequiredCapabilities", {
          extensionTypes: [...(options.requiredExtensions ?? [])],
          proposalTypes: [],
          credentialTypes: [],
        }),
        requesterSignatureKey: signer.signatureKey,
        requesterCredential: signer.credential,
      },
      signer.privateKey,
      cs.impl.signature,
    );
  }

  /** A provider certificate of the runner's domain from a CA the target does not know. */
  strangerTls(): Promise<ClientTls> {
    this.stranger ??= (async () => {
      const pki = await createProviderPki(this.runnerDomain, { algorithm: "Ed25519" });
      return { key: pki.server.privateKeyPem, cert: pki.server.certificatePem };
    })();
    return this.stranger;
  }
}
