/**
 * A provider's own path layout (decision 0677): where its server routes each §5.1 endpoint, which
 * is also what its directory advertises. The default is `/v1/<name>/{param}` (decision 0610); a
 * `prefix` moves every endpoint below another path, and per-endpoint templates place single ones.
 */
import {
  DIRECTORY_PATH,
  type DirectoryName,
  directoryNames,
  endpoints,
  extensionRoutes,
  isDirectoryName,
  layoutTemplate,
  type PathLayout,
  templateVariable,
} from "@mimi/protocol";
import { ValidationError } from "@mimi/wire";

/** One literal path segment of a layout (unreserved characters only). */
const SEGMENT = /^[A-Za-z0-9._~-]+$/;

function literal(segment: string, path: string): void {
  if (!SEGMENT.test(segment) || segment === "." || segment === "..")
    throw new ValidationError(`path segment ${JSON.stringify(segment)} is not a plain name`, { path });
}

/** A path template as segments: a literal, or `undefined` for the variable. */
type Pattern = readonly (string | undefined)[];

function patternOf(name: DirectoryName, template: string, path: string): Pattern {
  if (!template.startsWith("/"))
    throw new ValidationError(`the template of ${name} must be a path beginning with /`, { path });
  const variable = templateVariable(template, name, path);
  if (variable !== endpoints[name].pathVariable)
    throw new ValidationError(`the template of ${name} must use {${endpoints[name].pathVariable}}`, {
      path,
    });
  const segments = template.slice(1).split("/");
  const out: (string | undefined)[] = [];
  for (const s of segments) {
    if (s === `{${variable}}`) out.push(undefined);
    else if (s.includes("{"))
      throw new ValidationError(`the variable of ${name} must be a whole path segment`, { path });
    else {
      literal(s, path);
      out.push(s);
    }
  }
  const first = out[0];
  if (first === ".well-known" || first === extensionRoutes.asset.prefix?.split("/")[1])
    throw new ValidationError(`the template of ${name} is under a path the server uses for other routes`, {
      path,
    });
  return out;
}

/** True when one path can match both patterns. */
function overlap(a: Pattern, b: Pattern): boolean {
  return a.length === b.length && a.every((s, i) => s === undefined || b[i] === undefined || s === b[i]);
}

/**
 * Validate a layout (a `mimi serve` configuration's `paths`, or the option of `startProvider`).
 *
 * @throws ValidationError naming the field: a prefix or template that is not a plain path, a
 * template without its endpoint's variable as one whole segment, a template under
 * `/.well-known/` or `/blobs/`, or two endpoints one path could reach.
 */
export function checkPathLayout(layout: PathLayout, path = "/paths"): PathLayout {
  if (layout.prefix !== undefined && layout.prefix !== "") {
    if (!layout.prefix.startsWith("/") || layout.prefix.endsWith("/"))
      throw new ValidationError('prefix must be "" or a path beginning with / and not ending with /', {
        path: `${path}/prefix`,
      });
    for (const s of layout.prefix.slice(1).split("/")) literal(s, `${path}/prefix`);
  }
  for (const k of Object.keys(layout.templates ?? {}))
    if (!isDirectoryName(k))
      throw new ValidationError(`${k} is not a §5.1 endpoint`, { path: `${path}/templates/${k}` });
  compile(layout, directoryNames, path);
  return layout;
}

function compile(
  layout: PathLayout | undefined,
  names: readonly DirectoryName[],
  path: string,
): { name: DirectoryName; pattern: Pattern }[] {
  const out: { name: DirectoryName; pattern: Pattern }[] = [];
  for (const name of names) {
    const at = layout?.templates?.[name] === undefined ? `${path}/prefix` : `${path}/templates/${name}`;
    const pattern = patternOf(name, layoutTemplate(layout, name), at);
    const clash = out.find((o) => overlap(o.pattern, pattern));
    if (clash !== undefined)
      throw new ValidationError(`${name} and ${clash.name} would share a path`, { path: at });
    out.push({ name, pattern });
  }
  return out;
}

/** The routes of a layout: which endpoint a request path names, and its raw parameter. */
export interface LayoutRoutes {
  /** The endpoint and raw (still percent-encoded) parameter of `path`, or undefined. */
  match(path: string): { readonly name: DirectoryName; readonly param: string } | undefined;
}

/**
 * The routes of `names` in `layout`.
 *
 * @throws ValidationError for a layout {@link checkPathLayout} refuses.
 */
export function layoutRoutes(layout: PathLayout | undefined, names: readonly DirectoryName[]): LayoutRoutes {
  const table = compile(layout, names, "/paths");
  return {
    match(path) {
      if (!path.startsWith("/") || path === DIRECTORY_PATH) return undefined;
      const segments = path.slice(1).split("/");
      for (const { name, pattern } of table) {
        if (pattern.length !== segments.length) continue;
        let param: string | undefined;
        let ok = true;
        for (let i = 0; i < pattern.length && ok; i++) {
          const want = pattern[i];
          const got = segments[i]!;
          if (want === undefined) {
            if (got === "") ok = false;
            else param = got;
          } else ok = want === got;
        }
        if (ok && param !== undefined) return { name, param };
      }
      return undefined;
    },
  };
}
