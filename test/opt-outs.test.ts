import { runInDurableObject } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { LazyTables } from "../src/gateway/lazy-tables";
import { OptOuts } from "../src/inbox/opt-outs";
import type { InboxEvent } from "../src/inbox/parse";
import { SEED_APP_IDS } from "../src/sandbox/seed";
import { callTool, connect, resetAll, sandbox, testEnv, textOf, upstreamRequests } from "./helpers";

const appId = SEED_APP_IDS.store;
const ORDER_UPDATE = "5f0c6a1e-3b7d-4c2a-9e1f-000000000001"; // UTILITY
const NEW_ARRIVALS = "5f0c6a1e-3b7d-4c2a-9e1f-000000000007"; // MARKETING (catalog)
const template = (destination: string, extra: Record<string, unknown> = {}) => ({ appId, destination, template: { id: ORDER_UPDATE, params: ["Asha", `ORD-${destination.slice(-4)}`] }, ...extra });
const sends = () => upstreamRequests(/\/(template\/msg|v3\/message)$/);

beforeEach(resetAll);

describe("opt-outs", () => {
  it("a user who replies STOP gets no more messages from any send tool, until they reply START", async () => {
    const client = await connect();
    await callTool(client, "configure_webhook", { appId });
    await sandbox().simulateInbound(appId, "919811100001", "Stop.", "Asha");
    await sandbox().deliverCallbacks();

    const listed = await callTool(client, "manage_opt_outs", { appId, action: "list" });
    expect(listed.structuredContent).toMatchObject({ optedOut: [{ number: "919811100001", source: "keyword" }] });
    expect(textOf(listed)).toMatch(/^1 number\(s\) opted out of app .*:\n- 919811100001 since \d{4}-\d\d-\d\d \(replied STOP\)$/);

    const refused = await callTool(client, "send_template_message", template("+91 98111 00001"));
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(
      /^Not sent: 919811100001 opted out of messages from app '.*' on \d{4}-\d\d-\d\d \(they replied STOP \(or another opt-out word\)\)\. They get messages again once they reply START/,
    );
    const freeForm = await callTool(client, "send_text_message", { appId, destination: "919811100001", text: "Still there?" });
    expect(textOf(freeForm)).toMatch(/^Not sent: 919811100001 opted out/);
    const media = await callTool(client, "send_media_message", { appId, destination: "919811100001", mediaType: "image", url: "https://cdn.example.com/a.png" });
    expect(textOf(media)).toMatch(/^Not sent: 919811100001 opted out/);
    expect(await sends()).toHaveLength(0);

    await sandbox().simulateInbound(appId, "919811100001", "START", "Asha");
    await sandbox().deliverCallbacks();
    const after = await callTool(client, "send_template_message", template("919811100001"));
    expect(after.isError, textOf(after)).toBeFalsy();
    expect(await sends()).toHaveLength(1);
  });

  it("check says, without sending, whether a send would be blocked and why; a refusal offers ignoreOptOut only for a UTILITY or AUTHENTICATION template", async () => {
    const client = await connect();
    await callTool(client, "manage_opt_outs", { appId, action: "add", destinations: ["919811100009"] });
    await sandbox().clearRequests();
    const check = await callTool(client, "manage_opt_outs", { appId, action: "check", destinations: ["+91 98111 00009", "919811100010"] });
    expect(check.isError, textOf(check)).toBeFalsy();
    expect(check.structuredContent).toMatchObject({
      checked: [
        { number: "919811100009", blocked: true },
        { number: "919811100010", blocked: false },
      ],
      optedOut: [{ number: "919811100009", source: "manual" }],
    });
    expect(textOf(check)).toMatch(
      /^1 of 2 number\(s\) would be blocked by app .*'s opt-out list \(checked only; nothing was sent\):\n- 919811100009: blocked — opted out on \d{4}-\d\d-\d\d \(added by hand\)\. .*\n- 919811100010: not opted out — the opt-out list does not block a send\.$/,
    );
    expect(await upstreamRequests()).toEqual([]);

    // The exception is offered where it applies, with its rule: a UTILITY template they still need; never marketing, never free-form.
    await callTool(client, "list_templates", { appId });
    const utility = await callTool(client, "send_template_message", template("919811100009"));
    expect(textOf(utility)).toMatch(
      / This is a UTILITY template: ignoreOptOut: true sends it anyway, and only for a message they still need, such as an order update or a code \(never marketing\)\.$/,
    );
    const marketing = await callTool(client, "send_template_message", { appId, destination: "919811100009", template: { id: NEW_ARRIVALS, params: ["Asha", "SKU-1"] } });
    expect(textOf(marketing)).toMatch(/^Not sent: 919811100009 opted out .* They get messages again once they reply START\.$/);
    const text = await callTool(client, "send_message", { appId, destination: "919811100009", type: "text", text: "Hi" });
    expect(textOf(text)).toMatch(/^Not sent: 919811100009 opted out .* They get messages again once they reply START\.$/);
    expect(await sends()).toHaveLength(0);
  });

  it("OPT_OUT_KEYWORDS adds words in other languages; a word inside a longer message is not an opt-out", async () => {
    const client = await connect(); // the test settings have OPT_OUT_KEYWORDS "BAND KARO, PARAR"
    await callTool(client, "configure_webhook", { appId, format: "meta" });
    await sandbox().simulateInbound(appId, "919811100002", "band karo!", "Ravi");
    await sandbox().simulateInbound(appId, "919811100003", "Please don't stop the offers", "Meena");
    await sandbox().deliverCallbacks();
    const listed = await callTool(client, "manage_opt_outs", { appId, action: "list" });
    expect((listed.structuredContent!.optedOut as { number: string }[]).map((o) => o.number)).toEqual(["919811100002"]);
  });

  it("a send Gupshup fails with 1012 puts the number on the list, and the next send to it is refused before Gupshup", async () => {
    const client = await connect();
    await callTool(client, "configure_webhook", { appId });
    const first = await callTool(client, "send_template_message", template("919876501012"));
    expect(first.isError, textOf(first)).toBeFalsy();
    await sandbox().deliverCallbacks();
    const failed = await callTool(client, "get_failed_numbers", { appId });
    expect(textOf(failed)).toContain("1012 (1×): the user opted out (now on manage_opt_outs' list, so sends to them are refused)");
    const again = await callTool(client, "send_template_message", template("919876501012", { idempotencyKey: "second-try" }));
    expect(textOf(again)).toMatch(/^Not sent: 919876501012 opted out .*\(Gupshup reported them as opted out \(1012\)\)/);
    expect(await sends()).toHaveLength(1);
  });

  it("ignoreOptOut sends a UTILITY template to an opted-out number and says so; a MARKETING one is refused", async () => {
    const client = await connect();
    await callTool(client, "manage_opt_outs", { appId, action: "add", destinations: ["+91 98111 00004"] });
    const utility = await callTool(client, "send_template_message", template("919811100004", { ignoreOptOut: true }));
    expect(utility.isError, textOf(utility)).toBeFalsy();
    expect(textOf(utility)).toContain("The recipient had opted out; it was sent anyway because ignoreOptOut was set.");
    const marketing = await callTool(client, "send_template_message", { appId, destination: "919811100004", template: { id: NEW_ARRIVALS, params: ["Asha", "SKU-1"] }, ignoreOptOut: true });
    expect(textOf(marketing)).toBe(
      "ignoreOptOut is only for UTILITY and AUTHENTICATION templates (an order update, a code); new_arrivals is MARKETING. Someone who opted out must not get it: leave ignoreOptOut out.",
    );
    expect(await sends()).toHaveLength(1);
  });

  it("manage_opt_outs adds and removes numbers by hand, and needs the numbers to change", async () => {
    const client = await connect();
    const added = await callTool(client, "manage_opt_outs", { appId, action: "add", destinations: ["+91 98111 00005", "919811100006", "919811100005"] });
    expect(added.structuredContent).toMatchObject({ changed: 2 });
    expect(textOf(added)).toMatch(/^Added 2 number\(s\)\. 2 number\(s\) opted out/); // the same number twice counts once
    const again = await callTool(client, "manage_opt_outs", { appId, action: "add", destinations: ["919811100006"] });
    expect(textOf(again)).toMatch(/^Added 0 number\(s\) \(1 already opted out\)\./);
    const removed = await callTool(client, "manage_opt_outs", { appId, action: "remove", destinations: ["919811100005"] });
    expect(removed.structuredContent).toMatchObject({ changed: 1, optedOut: [{ number: "919811100006", source: "manual" }] });
    const missing = await callTool(client, "manage_opt_outs", { appId, action: "add" });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toMatch(/^manage_opt_outs was not run: destinations: give the numbers to check, add or remove\. Correct it and call again\.$/);
  });

  it("a send repeated with its key after the user opted out answers with what was sent, not 'not sent'", async () => {
    const client = await connect();
    await callTool(client, "configure_webhook", { appId });
    const first = await callTool(client, "send_template_message", template("919811100007", { idempotencyKey: "order-7" }));
    await sandbox().simulateInbound(appId, "919811100007", "STOP", "Asha");
    await sandbox().deliverCallbacks();
    const repeat = await callTool(client, "send_template_message", template("919811100007", { idempotencyKey: "order-7" }));
    expect(repeat.structuredContent).toMatchObject({ replayed: true, messageId: first.structuredContent!.messageId });
    expect(textOf(repeat)).not.toContain("sent anyway");
    expect(await sends()).toHaveLength(1);
  });

  it("in the Meta format, WhatsApp's 131050 puts the number on the list, said as such", async () => {
    const client = await connect();
    await callTool(client, "configure_webhook", { appId, format: "meta" });
    await callTool(client, "send_template_message", template("919876501012"));
    await sandbox().deliverCallbacks();
    const again = await callTool(client, "send_template_message", template("919876501012", { idempotencyKey: "again" }));
    expect(textOf(again)).toMatch(/\(WhatsApp reported they stopped this business's marketing messages \(131050\)\)/);
  });
});

describe("what counts as opting out", () => {
  const inbound = (sender: string, text: string, at: number, type = "text"): InboxEvent => ({
    kind: "inbound",
    key: `k-${sender}-${at}`,
    messageId: `m-${at}`,
    sender,
    name: null,
    type,
    text,
    replyId: null,
    replyTo: null,
    at,
  });

  it("typed words only, whole messages only, the newest change wins, and an emoji-only setting matches nothing", async () => {
    await runInDurableObject(testEnv.GATEWAY.get(testEnv.GATEWAY.newUniqueId()), (_, state) => {
      const optOuts = new OptOuts(state.storage.sql, new LazyTables(state.storage.sql, [OptOuts.schema]));
      optOuts.learn(
        [
          inbound("911", "Cancel", 1_000, "button_reply"), // a tapped button
          inbound("912", "👍", 1_000), // the setting's 🛑 must not turn into "" and match this
          inbound("913", "stop!!", 1_000),
          inbound("913", "START", 2_000),
          inbound("913", "STOP", 1_500), // a late copy of an older message
          inbound("914", "बंद करो", 1_000), // marks are part of the word: "बुद करो" is another word
        ],
        ["🛑", "बुद करो"],
      );
      expect(["911", "912", "913", "914"].map((n) => optOuts.find(n)?.source ?? null)).toEqual([null, null, null, null]);
      optOuts.learn([inbound("914", "बुद करो", 3_000)], ["बुद करो"]);
      expect(optOuts.find("+91 4")).toMatchObject({ number: "914", source: "keyword" }); // numbers compare as digits
    });
  });
});
