/**
 * The demo's conversation played through the web app in three Chromium pages (playwright-core
 * driving Debian's Chromium; nothing downloads a browser), clicking and typing as a person would:
 * Alice creates mimi://a.example/r/clubhouse and adds Bob, Bob adds Cathy, then a markdown
 * message, a reply, reactions, an edit, a deleted message, an expiring message and an attachment
 * that Cathy downloads.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium, type Locator, type Page } from "playwright-core";
import type { WebDemo, WebDemoUser } from "./web-demo.js";

/** The attachment Alice sends. */
export const ATTACHMENT = {
  name: "minutes.txt",
  mimeType: "text/plain",
  text: "MIMI demo attachment: minutes of the clubhouse meeting.\n",
} as const;

const ROOM = "a.example/r/clubhouse";
/** Generous: a busy machine runs three providers and three browsers. */
const WAIT = 60_000;

/** Three signed-in pages after the conversation. */
export interface BrowserRun {
  readonly browser: Browser;
  readonly pages: Readonly<Record<WebDemoUser["name"], Page>>;
  /** The bytes Cathy's page saved when she clicked the attachment's download button. */
  readonly downloaded: Uint8Array;
  close(): Promise<void>;
}

/** Options of {@link playConversation}. */
export interface PlayOptions {
  readonly executablePath: string;
  readonly progress?: (line: string) => void;
  /** Window size (default 390×844, a phone). */
  readonly viewport?: { readonly width: number; readonly height: number };
}

/** A message of the page's conversation, by a piece of its body's text (not a reply's quote of it). */
export function messageOf(page: Page, text: string): Locator {
  return page.locator("li.message").filter({ has: page.locator(".body", { hasText: text }) });
}

async function signedIn(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByText("Signed in as").waitFor({ timeout: WAIT });
}

async function send(page: Page, text: string): Promise<void> {
  await page.getByLabel("Message", { exact: true }).fill(text);
  await page.getByRole("button", { name: "Send", exact: true }).click();
}

async function openRoom(page: Page): Promise<void> {
  const button = page.getByRole("navigation", { name: "rooms" }).getByRole("button", { name: ROOM });
  await button.waitFor({ timeout: WAIT });
  await button.click();
  await page.getByRole("heading", { name: ROOM }).waitFor({ timeout: WAIT });
}

async function addUser(page: Page, uri: string): Promise<void> {
  await page.getByLabel("Add user (mimi:// URI)").fill(uri);
  await page.getByRole("button", { name: "Add", exact: true }).click();
  await page
    .getByRole("list", { name: "participants" })
    .getByText(uri.replace("mimi://", ""))
    .waitFor({ timeout: WAIT });
}

/** Wait until every page shows a message with `text` (and `also` inside it, when given). */
async function everyoneSees(pages: readonly Page[], text: string, also?: string): Promise<void> {
  await Promise.all(
    pages.map(async (p) => {
      const m = messageOf(p, text);
      await (also === undefined ? m : m.getByText(also, { exact: false })).first().waitFor({ timeout: WAIT });
    }),
  );
}

/**
 * Sign the three demo users in, each in a browser context of its own, and play the conversation.
 *
 * @throws whatever a page step throws (a step that times out names the locator it waited for).
 */
export async function playConversation(demo: WebDemo, options: PlayOptions): Promise<BrowserRun> {
  const line = options.progress ?? (() => undefined);
  const browser = await chromium.launch({ executablePath: options.executablePath, args: ["--no-sandbox"] });
  try {
    const open = async (u: WebDemoUser): Promise<Page> => {
      const context = await browser.newContext({
        viewport: options.viewport ?? { width: 390, height: 844 },
        acceptDownloads: true,
      });
      const page = await context.newPage();
      await signedIn(page, u.url);
      return page;
    };
    const user = (name: WebDemoUser["name"]) => demo.users.find((u) => u.name === name)!;
    const [alice, bob, cathy] = await Promise.all([
      open(user("alice")),
      open(user("bob")),
      open(user("cathy")),
    ]);
    const all = [alice, bob, cathy];
    line("✓ Alice, Bob and Cathy signed in with their enrollment links");

    await alice.getByLabel("New room on a.example").fill("clubhouse");
    await alice.getByRole("button", { name: "Create room" }).click();
    await alice.getByRole("heading", { name: ROOM }).waitFor({ timeout: WAIT });
    await addUser(alice, user("bob").userUri);
    await openRoom(bob);
    await addUser(bob, user("cathy").userUri);
    await openRoom(cathy);
    line("✓ Alice created the room and added Bob; Bob added Cathy");

    await send(alice, "Welcome to the **clubhouse**!");
    await everyoneSees(all, "Welcome to the clubhouse!");
    await messageOf(bob, "Welcome to the clubhouse!").getByRole("button", { name: "Reply" }).click();
    await send(bob, "Thanks _Alice_!");
    await everyoneSees(all, "Thanks Alice!", "in reply to");
    await messageOf(cathy, "Welcome to the clubhouse!").getByRole("button", { name: "React 👍" }).click();
    await everyoneSees(all, "Welcome to the clubhouse!", "👍 1");
    await messageOf(bob, "Welcome to the clubhouse!").getByRole("button", { name: "React 🎉" }).click();
    await everyoneSees(all, "Welcome to the clubhouse!", "🎉 1");
    line("✓ markdown message, reply, reactions");

    await messageOf(alice, "Welcome to the clubhouse!").getByRole("button", { name: "Edit" }).click();
    await alice.getByLabel("Message", { exact: true }).fill("Welcome to the **MIMI clubhouse**!");
    await alice.getByRole("button", { name: "Save edit" }).click();
    await everyoneSees(all, "Welcome to the MIMI clubhouse!", "edited");
    await send(cathy, "wrong room, sorry");
    await everyoneSees(all, "wrong room, sorry");
    await messageOf(cathy, "wrong room, sorry").getByRole("button", { name: "Delete" }).click();
    await everyoneSees(all, "This message was deleted.");
    line("✓ edit and delete");

    await bob.getByLabel("Expires").selectOption("3600");
    await send(bob, "this message expires in an hour");
    await everyoneSees(all, "this message expires in an hour", "expiring");
    await alice.getByLabel("Attach a file").setInputFiles({
      name: ATTACHMENT.name,
      mimeType: ATTACHMENT.mimeType,
      buffer: Buffer.from(ATTACHMENT.text),
    });
    await alice.getByRole("button", { name: "Send file" }).click();
    await everyoneSees(all, ATTACHMENT.name);
    const [download] = await Promise.all([
      cathy.waitForEvent("download", { timeout: WAIT }),
      messageOf(cathy, ATTACHMENT.name)
        .getByRole("button", { name: `Download ${ATTACHMENT.name}` })
        .click(),
    ]);
    const path = await download.path();
    const downloaded = new Uint8Array(readFileSync(path));
    line("✓ expiring message; attachment sent by Alice, downloaded and decrypted by Cathy");
    return {
      browser,
      pages: { alice, bob, cathy },
      downloaded,
      close: () => browser.close(),
    };
  } catch (e) {
    await browser.close();
    throw e;
  }
}

/** Write `alice.png`, `bob.png` and `cathy.png` (whole pages) into `dir`. */
export async function screenshots(run: BrowserRun, dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (const [name, page] of Object.entries(run.pages)) {
    const file = join(dir, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    files.push(file);
  }
  return files;
}
