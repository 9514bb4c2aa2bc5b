/**
 * `@mimi/web`: the MIMI web app (built by {@link buildWebApp}), `mimi demo --web` with the
 * providers' browser listeners ({@link startWebDemo}), and the conversation played through Chromium
 * ({@link playConversation}).
 *
 * @packageDocumentation
 */
export { buildWebApp } from "./build.js";
export { ATTACHMENT, type BrowserRun, messageOf, playConversation, screenshots } from "./ui-flow.js";
export { chromiumExecutable, startWebDemo, type WebDemo, type WebDemoUser } from "./web-demo.js";
