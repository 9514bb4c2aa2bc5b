/**
 * The HTTPS plumbing the federation server and the client API share: a TLS 1.3 server asking for
 * client certificates, with the same request time limits, listening on loopback or an address,
 * and closed gracefully (requests in flight finish within a grace period).
 */
import { createServer as createHttpsServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";

/** Options of {@link createMutualTlsServer}. */
export interface MutualTlsServerOptions {
  readonly key: string | Buffer;
  readonly cert: string | Buffer;
  /** CA certificates that issue the certificates clients present. */
  readonly ca: string | Buffer | readonly (string | Buffer)[];
  /** CRLs (PEM) of those CAs: a listed certificate is refused (see {@link TlsMaterial.crl}). */
  readonly crl?: string | Buffer | readonly (string | Buffer)[];
  /**
   * Refuse the handshake of a client without a valid certificate (the federation server), or
   * let the request handler refuse it with a reason (the client API).
   */
  readonly rejectUnauthorized: boolean;
  /** Longest time for a whole request (default 30 s). */
  readonly requestTimeoutMs?: number;
}

/**
 * What a TLS listener or client presents and trusts, and what `reloadTls` replaces without a
 * restart.
 */
export interface TlsMaterial {
  /** PEM private key and certificate chain we present. */
  readonly key: string | Buffer;
  readonly cert: string | Buffer;
  /**
   * CRLs (PEM) of the trusted CAs. When any is given, OpenSSL checks revocation of every peer
   * certificate (and every intermediate): a peer whose issuer has no current CRL here is refused
   * too, so give one per trusted CA (decision 0405).
   */
  readonly crl?: string | Buffer | readonly (string | Buffer)[];
}

/** One PEM or a list of them, as the mutable list the TLS stack takes. */
export function pemList<T>(v: T | readonly T[]): T[] {
  return Array.isArray(v) ? [...(v as readonly T[])] : [v as T];
}

/** The secure context options of a server asking for client certificates. */
export function serverContextOptions(
  material: TlsMaterial,
  ca: string | Buffer | readonly (string | Buffer)[],
): { key: string | Buffer; cert: string | Buffer; ca: (string | Buffer)[]; crl?: (string | Buffer)[] } {
  return {
    key: material.key,
    cert: material.cert,
    ca: pemList(ca),
    ...(material.crl === undefined ? {} : { crl: pemList(material.crl) }),
  };
}

/** A TLS 1.3 HTTPS server that asks every client for a certificate. */
export function createMutualTlsServer(options: MutualTlsServerOptions): Server {
  const server = createHttpsServer({
    ...serverContextOptions(options, options.ca),
    requestCert: true,
    rejectUnauthorized: options.rejectUnauthorized,
    minVersion: "TLSv1.3",
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = options.requestTimeoutMs ?? 30_000;
  server.keepAliveTimeout = 30_000;
  return server;
}

/**
 * Listen on `port` (0 = any free port) at `host`; resolves with the bound port.
 *
 * @throws the listen error (e.g. the port is taken).
 */
export function listenOn(server: Server, port: number, host: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * Stop accepting connections, close idle keep-alive connections, let requests in flight finish
 * for at most `graceMs`, then close every connection; `beforeIdle` runs once the listener stops
 * (e.g. to end long-lived streams).
 */
export async function closeGracefully(
  server: Server,
  graceMs: number,
  beforeIdle?: () => void,
): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  beforeIdle?.();
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), graceMs);
  await closed;
  clearTimeout(timer);
}
