/**
 * The one table of draft-ietf-mimi-protocol-06 §5 endpoints.
 *
 * For every endpoint of the §5.1 directory: its directory name, HTTP method, path parameter, who
 * serves it, and the codecs of its request and response bodies. The provider's router, its
 * directory document, the client API, the federation client, the client SDK and the command line
 * all read this table; there is no other list of endpoints.
 */

import { type Codec, decodeWith, encodeWith, ValidationError } from "@mimi/wire";
import { type AbuseReport, abuseReportCodec } from "./abuse-report.js";
import { type ConsentEntry, consentEntryCodec } from "./consent-entry.js";
import { decodeFanoutMessages, encodeFanoutMessages, type FanoutMessage } from "./fanout-message.js";
import { type GroupInfoRequest, groupInfoRequestCodec } from "./group-info-request.js";
import { type GroupInfoResponse, groupInfoResponseCodec } from "./group-info-response.js";
import { type IdentifierRequest, identifierRequestCodec } from "./identifier-request.js";
import { type IdentifierResponse, identifierResponseCodec } from "./identifier-response.js";
import { type KeyMaterialRequest, keyMaterialRequestCodec } from "./key-material-request.js";
import { type KeyMaterialResponse, keyMaterialResponseCodec } from "./key-material-response.js";
import { type SubmitMessageRequest, submitMessageRequestCodec } from "./submit-message-request.js";
import { type SubmitMessageResponse, submitMessageResponseCodec } from "./submit-message-response.js";
import { type UpdateRequest, updateRequestCodec } from "./update-request.js";
import { type UpdateRoomResponse, updateRoomResponseCodec } from "./update-room-response.js";

/** A request or response body of an endpoint: its structure's name and strict codec functions. */
export interface BodyCodec<T> {
  /** The structure's name in protocol-06 (`KeyMaterialRequest`, ...). */
  readonly struct: string;
  /**
   * Decode strictly: the whole body, nothing after it.
   *
   * @throws CodecError naming what is malformed and where.
   */
  decode(bytes: Uint8Array): T;
  /**
   * Encode.
   *
   * @throws CodecError when the value cannot be encoded.
   */
  encode(value: T): Uint8Array;
}

function body<T>(codec: Codec<T>): BodyCodec<T> {
  return {
    struct: codec.name,
    decode: (bytes) => decodeWith(codec, bytes),
    encode: (value) => encodeWith(codec, value),
  };
}

/**
 * Who answers an endpoint, named by what its path parameter is (protocol-06 §5):
 * - `room`: the room's hub, the provider of the room URI's domain (decision 0611);
 * - `user`: the provider of the target user's domain;
 * - `domain`: the provider named by the path parameter (a domain);
 * - `follower`: a provider with a member in the room, to which the room's hub sends it;
 * - `hub`: the hub of the room whose content names the download URL (the requester chooses it).
 */
export type ServedBy = "room" | "user" | "domain" | "follower" | "hub";

/** The path of the provider's §5.1 directory document. */
export const DIRECTORY_PATH = "/.well-known/mimi-protocol-directory";
/** The prefix of every endpoint path of our directory (decision 0610): `/v1/<name>/{param}`. */
export const API_PREFIX = "/v1";

/** One endpoint of the §5.1 directory. */
export interface EndpointSpec<Req, Res> {
  /** The directory name, which is also the path's first segment. */
  readonly name: string;
  /** The section of draft-ietf-mimi-protocol-06 that defines it. */
  readonly section: string;
  readonly method: "GET" | "POST";
  /** The template variable of the path, as the §5 section heading names it. */
  readonly pathVariable: string;
  readonly servedBy: ServedBy;
  /** The request body; undefined when the endpoint takes none. */
  readonly request: [Req] extends [undefined] ? undefined : BodyCodec<Req>;
  /** The success status. */
  readonly status: 200 | 201;
  /** The response body on success; undefined when there is none (a `proxyDownload` answer is the bytes). */
  readonly response: [Res] extends [undefined] ? undefined : BodyCodec<Res>;
  /**
   * True when a provider's own clients reach it through the client API at
   * `POST /client/v1/<name>/{param}` (decision 0640): their provider handles it or forwards it to
   * the provider that serves it.
   */
  readonly clientApi: boolean;
}

/**
 * Every endpoint of the protocol-06 §5.1 directory, in the directory's order.
 *
 * `requestConsent` and `updateConsent` are served by the provider the path names (`targetDomain`,
 * `requesterDomain`): the target user's provider and the requester's.
 */
/** The endpoints of the §5.1 directory and the bodies each takes and answers. */
export interface Endpoints {
  readonly keyMaterial: EndpointSpec<KeyMaterialRequest, KeyMaterialResponse>;
  readonly update: EndpointSpec<UpdateRequest, UpdateRoomResponse>;
  readonly notify: EndpointSpec<readonly FanoutMessage[], undefined>;
  readonly submitMessage: EndpointSpec<SubmitMessageRequest, SubmitMessageResponse>;
  readonly groupInfo: EndpointSpec<GroupInfoRequest, GroupInfoResponse>;
  readonly requestConsent: EndpointSpec<ConsentEntry, undefined>;
  readonly updateConsent: EndpointSpec<ConsentEntry, undefined>;
  readonly identifierQuery: EndpointSpec<IdentifierRequest, IdentifierResponse>;
  readonly reportAbuse: EndpointSpec<AbuseReport, undefined>;
  readonly proxyDownload: EndpointSpec<undefined, undefined>;
}

export const endpoints: Endpoints = {
  keyMaterial: {
    name: "keyMaterial",
    section: "§5.2",
    method: "POST",
    pathVariable: "targetUser",
    servedBy: "user",
    request: body<KeyMaterialRequest>(keyMaterialRequestCodec),
    status: 200,
    response: body<KeyMaterialResponse>(keyMaterialResponseCodec),
    clientApi: true,
  },
  update: {
    name: "update",
    section: "§5.3",
    method: "POST",
    pathVariable: "roomId",
    servedBy: "room",
    request: body<UpdateRequest>(updateRequestCodec),
    status: 200,
    response: body<UpdateRoomResponse>(updateRoomResponseCodec),
    clientApi: true,
  },
  notify: {
    name: "notify",
    section: "§5.5",
    method: "POST",
    pathVariable: "roomId",
    servedBy: "follower",
    request: {
      struct: "FanoutMessage",
      decode: decodeFanoutMessages,
      encode: encodeFanoutMessages,
    },
    status: 201,
    response: undefined,
    clientApi: false,
  },
  submitMessage: {
    name: "submitMessage",
    section: "§5.4",
    method: "POST",
    pathVariable: "roomId",
    servedBy: "room",
    request: body<SubmitMessageRequest>(submitMessageRequestCodec),
    status: 200,
    response: body<SubmitMessageResponse>(submitMessageResponseCodec),
    clientApi: true,
  },
  groupInfo: {
    name: "groupInfo",
    section: "§5.6",
    method: "POST",
    pathVariable: "roomId",
    servedBy: "room",
    request: body<GroupInfoRequest>(groupInfoRequestCodec),
    status: 200,
    response: body<GroupInfoResponse>(groupInfoResponseCodec),
    clientApi: true,
  },
  requestConsent: {
    name: "requestConsent",
    section: "§5.7",
    method: "POST",
    pathVariable: "targetDomain",
    servedBy: "domain",
    request: body<ConsentEntry>(consentEntryCodec),
    status: 201,
    response: undefined,
    clientApi: false,
  },
  updateConsent: {
    name: "updateConsent",
    section: "§5.7",
    method: "POST",
    pathVariable: "requesterDomain",
    servedBy: "domain",
    request: body<ConsentEntry>(consentEntryCodec),
    status: 201,
    response: undefined,
    clientApi: false,
  },
  identifierQuery: {
    name: "identifierQuery",
    section: "§5.8",
    method: "POST",
    pathVariable: "domain",
    servedBy: "domain",
    request: body<IdentifierRequest>(identifierRequestCodec),
    status: 200,
    response: body<IdentifierResponse>(identifierResponseCodec),
    clientApi: false,
  },
  reportAbuse: {
    name: "reportAbuse",
    section: "§5.9",
    method: "POST",
    pathVariable: "roomId",
    servedBy: "room",
    request: body<AbuseReport>(abuseReportCodec),
    status: 201,
    response: undefined,
    clientApi: true,
  },
  proxyDownload: {
    name: "proxyDownload",
    section: "§5.10.2",
    method: "GET",
    pathVariable: "downloadUrl",
    servedBy: "hub",
    request: undefined,
    status: 200,
    response: undefined,
    clientApi: false,
  },
};

/** A directory name of protocol-06 §5.1. */
export type DirectoryName = keyof Endpoints;

/** The directory names of protocol-06 §5.1, in the directory's order. */
export const directoryNames: readonly DirectoryName[] = Object.keys(endpoints) as DirectoryName[];

/** True for the names of the §5.1 directory. */
export function isDirectoryName(name: string): name is DirectoryName {
  return Object.hasOwn(endpoints, name);
}

/** The request body type of an endpoint (undefined when it takes none). */
export type RequestOf<N extends DirectoryName> =
  Endpoints[N]["request"] extends BodyCodec<infer T> ? T : undefined;
/** The response body type of an endpoint (undefined when it answers none). */
export type ResponseOf<N extends DirectoryName> =
  Endpoints[N]["response"] extends BodyCodec<infer T> ? T : undefined;

/**
 * The path of an endpoint below a directory base (`<base>/<name>/<param>`), the parameter
 * percent-encoded (§5.1).
 */
export function endpointPath(base: string, name: DirectoryName, param: string): string {
  return `${base.replace(/\/$/, "")}/${name}/${encodeURIComponent(param)}`;
}

/**
 * The template variables a §5.1 directory entry of `name` may use: the §5 section heading's
 * (`pathVariable`) and, for the consent endpoints, the §5.1 example's other name for it
 * (`{targetUser}` for `requestConsent`, `{requesterUser}` for `updateConsent`; DI-PROTO-01,
 * decision 0676). Either is expanded with the same value, a domain.
 */
export function directoryVariables(name: DirectoryName): readonly string[] {
  const v = endpoints[name].pathVariable;
  if (name === "requestConsent") return [v, "targetUser"];
  if (name === "updateConsent") return [v, "requesterUser"];
  return [v];
}

/**
 * The one template variable of a directory URL template of `name` (RFC 6570 level 1: exactly one
 * `{variable}` expression, one of {@link directoryVariables}, nothing else in braces).
 *
 * @throws ValidationError naming `path` when the template has no such variable, another
 * expression, or more than one.
 */
export function templateVariable(template: string, name: DirectoryName, path = "/"): string {
  const expressions = template.match(/\{[^{}]*\}/g) ?? [];
  const stray = template.replace(/\{[^{}]*\}/g, "");
  const wanted = directoryVariables(name);
  if (expressions.length !== 1 || /[{}]/.test(stray))
    throw new ValidationError(
      `the template of ${name} must contain the variable {${wanted[0]}} once and no other expression`,
      { path },
    );
  const variable = expressions[0]!.slice(1, -1);
  if (!wanted.includes(variable))
    throw new ValidationError(`the template of ${name} has {${variable}}, not {${wanted.join("} or {")}}`, {
      path,
    });
  return variable;
}

/**
 * Expand a directory URL template of `name` with the path parameter `value` (RFC 6570 simple
 * string expansion: every character outside the unreserved set percent-encoded as UTF-8, so the
 * value is one path segment or one query value whatever it contains).
 *
 * @throws ValidationError when the template is not one of `name` (see {@link templateVariable}).
 */
export function expandTemplate(template: string, name: DirectoryName, value: string): string {
  const variable = templateVariable(template, name);
  const encoded = encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return template.replace(`{${variable}}`, encoded);
}

/**
 * A provider's own path layout for the §5.1 endpoints it serves (decision 0677): a `prefix`
 * (default {@link API_PREFIX}; `""` puts the endpoints at `/<name>/{param}`), and templates of
 * single endpoints that replace `<prefix>/<name>/{param}` (a path beginning with `/`, the
 * variable one whole path segment).
 */
export interface PathLayout {
  readonly prefix?: string;
  readonly templates?: Readonly<Partial<Record<DirectoryName, string>>>;
}

/** The path template (`/…/{variable}`) of `name` in `layout` (default: `/v1/<name>/{param}`). */
export function layoutTemplate(layout: PathLayout | undefined, name: DirectoryName): string {
  return layout?.templates?.[name] ?? endpointTemplate(layout?.prefix ?? API_PREFIX, name);
}

/** The request path of `name` with parameter `param` in `layout` (see {@link expandTemplate}). */
export function layoutPath(layout: PathLayout | undefined, name: DirectoryName, param: string): string {
  return expandTemplate(layoutTemplate(layout, name), name, param);
}

/** A route of ours outside the directory: a fixed path, or every path below a prefix. */
export interface ExtensionRoute {
  readonly method: "GET" | "POST";
  readonly path?: string;
  readonly prefix?: string;
}

/** The URI template of an endpoint as the §5.1 directory lists it: `<base>/<name>/{<pathVariable>}`. */
export function endpointTemplate(base: string, name: DirectoryName): string {
  return `${base.replace(/\/$/, "")}/${name}/{${endpoints[name].pathVariable}}`;
}

/**
 * Routes of ours outside the §5.1 directory, each at a fixed path (not listed in the directory):
 * `asset` serves our stored blobs to peers at their download URL's path `/blobs/{id}` (decision
 * 0670); `ohttpKeys` (GET) and `ohttpGateway` (POST) are the hub's OHTTP gateway at
 * `/.well-known/ohttp-gateway` (decision 0672).
 */
export const extensionRoutes: {
  readonly asset: ExtensionRoute;
  readonly ohttpKeys: ExtensionRoute & { readonly path: string };
  readonly ohttpGateway: ExtensionRoute & { readonly path: string };
} = {
  asset: { method: "GET", prefix: "/blobs/" },
  ohttpKeys: { method: "GET", path: "/.well-known/ohttp-gateway" },
  ohttpGateway: { method: "POST", path: "/.well-known/ohttp-gateway" },
};
/** An extension route's name. */
export type ExtensionName = keyof typeof extensionRoutes;
/** Any routed endpoint's name. */
export type EndpointName = DirectoryName | ExtensionName;

/** The HTTP method of a directory endpoint or one of our extension routes. */
export function methodOf(name: EndpointName): "GET" | "POST" {
  return isDirectoryName(name) ? endpoints[name].method : extensionRoutes[name].method;
}
