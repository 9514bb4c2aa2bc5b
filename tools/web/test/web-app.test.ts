/**
 * The web app in three real Chromium pages against the demo's three real providers: the demo's
 * conversation is played by clicking and typing (`playConversation`), then each page is read back.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ATTACHMENT,
  type BrowserRun,
  chromiumExecutable,
  messageOf,
  playConversation,
  startWebDemo,
  type WebDemo,
} from "../src/index.js";

let demo: WebDemo;
let run: BrowserRun;

beforeAll(async () => {
  demo = await startWebDemo();
  run = await playConversation(demo, { executablePath: chromiumExecutable() });
}, 900_000);

afterAll(async () => {
  await run?.close();
  await demo?.stop();
}, 120_000);

/** What a page shows of each message: sender, flags, reply line, body, reactions. */
async function shown(name: keyof BrowserRun["pages"]): Promise<string[]> {
  return run.pages[name].locator("li.message").evaluateAll((items) =>
    items.map((li) => {
      const text = (sel: string) => li.querySelector(sel)?.textContent?.replace(/\s+/g, " ").trim() ?? "";
      const flags = [...li.querySelectorAll(".flag")].map((f) => f.textContent?.trim()).join(",");
      const reactions = [...li.querySelectorAll(".reactions li")].map((r) => r.textContent?.trim()).join(" ");
      return [text(".sender"), flags, text(".reply-to"), text(".body"), reactions]
        .filter((x) => x !== "")
        .join(" | ");
    }),
  );
}

const CONVERSATION = [
  "a.example/u/alice | edited | Welcome to the MIMI clubhouse! | 👍 1 🎉 1",
  "b.example/u/bob | ↪ in reply to a.example/u/alice: “Welcome to the MIMI clubhouse!” | Thanks Alice!",
  "c.example/u/cathy | This message was deleted.",
  "b.example/u/bob | expiring | this message expires in an hour",
  `a.example/u/alice | 📎 ${ATTACHMENT.name} (${ATTACHMENT.mimeType})Download ${ATTACHMENT.name}`,
];

describe("the web app in three Chromium pages", () => {
  it("every page shows the same conversation: markdown, the edit, the reply with what it replies to, reactions, the deletion, the expiring message, the attachment", async () => {
    for (const name of ["alice", "bob", "cathy"] as const) {
      expect(await shown(name), name).toEqual(CONVERSATION);
      // no inbox item failed a check on the way
      expect(await run.pages[name].getByText("Dropped an item").count(), name).toBe(0);
    }
    // the markdown became elements, not text with asterisks
    const strong = messageOf(run.pages.bob, "Welcome to the").locator(".body strong");
    expect(await strong.textContent()).toBe("MIMI clubhouse");
    expect(await messageOf(run.pages.alice, "Thanks").locator(".body em").textContent()).toBe("Alice");
  }, 300_000);

  it("a reload keeps the client: Bob's page comes back with the conversation, receives what Alice sends, and sends", async () => {
    const { alice, bob } = run.pages;
    await bob.reload();
    await bob.getByText("Signed in as").waitFor({ timeout: 60_000 });
    const room = bob
      .getByRole("navigation", { name: "rooms" })
      .getByRole("button", { name: "a.example/r/clubhouse" });
    await room.click();
    await bob.getByRole("heading", { name: "a.example/r/clubhouse" }).waitFor({ timeout: 60_000 });
    expect(await shown("bob")).toEqual(CONVERSATION);
    await alice.getByLabel("Message", { exact: true }).fill("Welcome back, Bob");
    await alice.getByRole("button", { name: "Send", exact: true }).click();
    await messageOf(bob, "Welcome back, Bob").waitFor({ timeout: 60_000 });
    await bob.getByLabel("Message", { exact: true }).fill("Still here after a reload");
    await bob.getByRole("button", { name: "Send", exact: true }).click();
    for (const page of [alice, run.pages.cathy])
      await messageOf(page, "Still here after a reload").waitFor({ timeout: 60_000 });
    expect(await bob.getByText("Dropped an item").count()).toBe(0);
  }, 300_000);

  it("every page lists the participants with their roles", async () => {
    for (const page of Object.values(run.pages)) {
      const items = await page.getByRole("list", { name: "participants" }).locator("li").allInnerTexts();
      expect(items.map((t) => t.replace(/\s+/g, " ").trim())).toEqual([
        "a.example/u/alice super_admin",
        "b.example/u/bob ordinary_user",
        "c.example/u/cathy ordinary_user",
      ]);
    }
  }, 300_000);

  it("Cathy's download button fetched, decrypted and saved the bytes Alice attached", () => {
    expect(new TextDecoder().decode(run.downloaded)).toBe(ATTACHMENT.text);
  }, 300_000);

  it("a message's HTML is shown as text, never injected", async () => {
    const { alice, bob } = run.pages;
    const hostile = `<img src="x" onerror="document.title='pwned'"> **still bold**`;
    await alice.getByLabel("Message", { exact: true }).fill(hostile);
    await alice.getByRole("button", { name: "Send", exact: true }).click();
    const atBob = messageOf(bob, "still bold");
    await atBob.waitFor({ timeout: 60_000 });
    expect(await atBob.locator(".body").textContent()).toBe(
      `<img src="x" onerror="document.title='pwned'"> still bold`,
    );
    expect(await atBob.locator(".body img").count()).toBe(0);
    expect(await bob.title()).toBe("MIMI");
  }, 300_000);

  it("an expiring message disappears from every page when it expires", async () => {
    const { bob } = run.pages;
    await bob.getByLabel("Expires").selectOption("10");
    await bob.getByLabel("Message", { exact: true }).fill("gone in ten seconds");
    await bob.getByRole("button", { name: "Send", exact: true }).click();
    for (const page of Object.values(run.pages))
      await messageOf(page, "gone in ten seconds").waitFor({ timeout: 60_000 });
    for (const page of Object.values(run.pages))
      await messageOf(page, "gone in ten seconds").waitFor({ state: "detached", timeout: 90_000 });
  }, 300_000);

  it("Cathy leaves; Alice applies the pending change; Alice and Bob list two participants, Cathy's page says she is no longer a member", async () => {
    const { alice, bob, cathy } = run.pages;
    await cathy.getByRole("button", { name: "Leave room" }).click();
    await alice.getByRole("button", { name: "Apply pending changes" }).click({ timeout: 60_000 });
    await cathy.getByText("You are no longer a member of this room.").waitFor({ timeout: 60_000 });
    for (const page of [alice, bob]) {
      const list = page.getByRole("list", { name: "participants" }).locator("li");
      await list.filter({ hasText: "c.example/u/cathy" }).waitFor({ state: "detached", timeout: 60_000 });
      expect(await list.count()).toBe(2);
    }
  }, 300_000);

  it("Bob's second device (a new page with a new enrollment link) joins by external commit and writes; his first page and Alice's show it", async () => {
    const context = await run.browser.newContext({ viewport: { width: 390, height: 844 } });
    try {
      const phone = await context.newPage();
      await phone.goto(demo.link("bob"));
      await phone.getByText("Signed in as").waitFor({ timeout: 60_000 });
      await phone
        .getByLabel("Join a room you take part in (this device)")
        .fill("mimi://a.example/r/clubhouse");
      await phone.getByRole("button", { name: "Join", exact: true }).click();
      await phone.getByRole("heading", { name: "a.example/r/clubhouse" }).waitFor({ timeout: 60_000 });
      await phone.getByLabel("Message", { exact: true }).fill("Hello from my phone 📱");
      await phone.getByRole("button", { name: "Send", exact: true }).click();
      for (const page of [run.pages.alice, run.pages.bob, phone]) {
        const m = messageOf(page, "Hello from my phone");
        await m.waitFor({ timeout: 60_000 });
        expect(await m.locator(".sender").textContent()).toBe("b.example/u/bob");
      }
    } finally {
      await context.close();
    }
  }, 300_000);
});
