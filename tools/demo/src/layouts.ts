/**
 * The path layouts of the demo's providers (decision 0677): each serves the protocol-06 §5
 * endpoints under its own paths and advertises them in its §5.1 directory, so that every request
 * between them proves the federation client follows the peer's directory (decision 0676) instead
 * of assuming a layout. b.example uses the paths of another protocol-06 implementation
 * (`/mimi/pl/…`); c.example a prefix plus one endpoint placed on its own.
 */
import {
  type DirectoryName,
  directoryNames,
  layoutPath,
  layoutTemplate,
  type PathLayout,
} from "@mimi/protocol";

/** The layout of each demo provider (the outside peer d.example has no server). */
export const DEMO_PATH_LAYOUTS: Readonly<Record<string, PathLayout>> = {
  "a.example": { prefix: "/v1" },
  "b.example": { prefix: "/mimi/pl" },
  "c.example": { prefix: "/api/mimi/v6", templates: { notify: "/api/mimi/v6/rooms/{roomId}/notify" } },
};

/** The path of `name` with `param` at the demo provider `domain` (the default layout for others). */
export function demoPath(domain: string, name: DirectoryName, param: string): string {
  return layoutPath(DEMO_PATH_LAYOUTS[domain], name, param);
}

/** The §5.1 endpoint a request path names at the demo provider `domain`, if any. */
export function demoEndpointOf(domain: string, path: string): DirectoryName | undefined {
  const bare = path.split("?")[0] ?? "";
  return directoryNames.find((name) => {
    const [before, after] = layoutTemplate(DEMO_PATH_LAYOUTS[domain], name).split(/\{[^}]*\}/);
    return (
      bare.startsWith(before ?? "") &&
      bare.endsWith(after ?? "") &&
      bare.length > (before ?? "").length + (after ?? "").length &&
      !bare.slice((before ?? "").length, bare.length - (after ?? "").length).includes("/")
    );
  });
}
