/**
 * The demo's user directories (`@mimi/discovery`): each provider publishes its users' handles with
 * the users' own preferences, and the scenario finds Bob and Cathy by handle before adding them
 * (the introduction of the discovery issue, over protocol-06 §5.8 identifier queries).
 */
import { type DirectorySeed, type DiscoveryResult, discover, parseDirectorySeed } from "@mimi/discovery";
import type { ProviderPki } from "@mimi/identity";
import { httpsQueryClient } from "@mimi/provider";

/** The handles the scenario looks up. */
export const DEMO_HANDLES = {
  bob: "tel:+1-201-555-0123",
  cathy: "mailto:cathy@c.example",
} as const;

const seeds: Readonly<Record<string, unknown>> = {
  "a.example": {
    users: [
      {
        user: "mimi://a.example/u/alice",
        handles: [{ handle: "tel:+1-201-555-0100", discoverability: "contacts" }],
        reveal: ["mimi://a.example/u/alice"],
      },
    ],
  },
  "b.example": {
    users: [
      {
        user: "mimi://b.example/u/bob",
        handles: [
          { handle: DEMO_HANDLES.bob, discoverability: "anyone", tags: ["Personal"] },
          { handle: "mailto:bob@b.example", discoverability: "nobody" },
        ],
        reveal: ["mimi://b.example/u/bob"],
      },
    ],
  },
  "c.example": {
    users: [
      {
        user: "mimi://c.example/u/cathy",
        handles: [
          { handle: DEMO_HANDLES.cathy, discoverability: "anyone", tags: ["Work"] },
          { handle: "tel:+1-201-555-0199", discoverability: "nobody" },
        ],
        reveal: ["mimi://c.example/u/cathy"],
      },
    ],
  },
};

/** The directory seed of a demo provider (`{ users: [] }` for a domain with none). */
export function demoDirectorySeed(domain: string): DirectorySeed {
  return parseDirectorySeed(seeds[domain] ?? { users: [] });
}

/** The seed as the JSON file `mimi serve`'s `discovery` key names. */
export function demoDirectorySeedJson(domain: string): string {
  return `${JSON.stringify(seeds[domain] ?? { users: [] }, null, 2)}\n`;
}

/** A provider that can ask others: its domain, PKI and federation URL. */
export interface DiscoveryParty {
  readonly domain: string;
  readonly pki: ProviderPki;
  readonly url: string;
}

/**
 * `from` asks every other provider for `handle` over mutual TLS (protocol-06 §5.8, naming no
 * requesting user) and returns what they vouch for.
 *
 * @throws ValidationError when the handle is malformed.
 */
export async function lookUpHandle(
  from: DiscoveryParty,
  providers: readonly DiscoveryParty[],
  handle: string,
): Promise<DiscoveryResult> {
  const targets = providers
    .filter((p) => p.domain !== from.domain)
    .map((p) => ({ domain: p.domain, url: p.url, ca: p.pki.ca.certificatePem }));
  const client = httpsQueryClient(
    { domain: from.domain, key: from.pki.server.privateKeyPem, cert: from.pki.server.certificatePem },
    targets,
  );
  try {
    return await discover(handle, targets, client.query, { from: from.domain });
  } finally {
    client.close();
  }
}
