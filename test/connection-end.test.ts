import { beforeEach, describe, expect, it } from "vitest";
import { CONNECTION_ENDED } from "../src/campaigns/desk";
import { SEED_APP_IDS } from "../src/sandbox/seed";
import { callTool, callWorker, connect, MCP_AUTH_TOKEN, operatorEnv, resetAll, sandbox, textOf, upstreamRequests } from "./helpers";
import { connectWithOAuth } from "./oauth-client";

const appId = SEED_APP_IDS.store;
const ORDER_UPDATE = "5f0c6a1e-3b7d-4c2a-9e1f-000000000001";
const sends = () => upstreamRequests(/\/template\/msg$/);
const auth = { Authorization: `Bearer ${MCP_AUTH_TOKEN}` };
const connections = async () =>
  (await (await callWorker(new Request("http://localhost/connections", { headers: auth }), operatorEnv)).json()) as { connections: { id: string; campaigns: { name: string; state: string }[] }[] };

beforeEach(resetAll);

describe("ending a connection stops what it started", () => {
  it("revoking the connection that started a campaign pauses it at once; /connections showed it; the owner resumes it from another connection", async () => {
    const { client } = await connectWithOAuth(operatorEnv, { access: MCP_AUTH_TOKEN, scope: ["read", "send"] });
    const recipients = Array.from({ length: 200 }, (_, i) => ({ destination: `+9198${String(20_000_000 + i).slice(-8)}`, params: [`C${i}`, `ORD-${i}`] }));
    const campaignId = (await callTool(client, "preview_campaign", { appId, templateId: ORDER_UPDATE, recipients, name: "Festive" })).structuredContent?.campaignId as string;
    await sandbox().failNext({ path: "/template/msg$", times: 200, delayMs: 300 }); // slow sends: the campaign is still running when revoked
    expect((await callTool(client, "start_campaign", { campaignId, confirm: true })).isError).toBeFalsy();
    while ((await sends()).length < 5) await new Promise((r) => setTimeout(r, 50));

    const [listed] = (await connections()).connections;
    expect(listed!.campaigns).toEqual([{ campaignId, name: "Festive", state: "running" }]);
    const revoked = await callWorker(new Request(`http://localhost/connections/${listed!.id}`, { method: "DELETE", headers: auth }), operatorEnv);
    expect(await revoked.json()).toEqual({ revoked: listed!.id, pausedCampaigns: [{ campaignId, name: "Festive", state: "paused" }] });
    const atRevocation = (await sends()).length;

    await new Promise((r) => setTimeout(r, 1500));
    const owner = await connect({ env: operatorEnv });
    const report = await callTool(owner, "get_campaign", { campaignId });
    expect(report.structuredContent).toMatchObject({ state: "paused", reason: CONNECTION_ENDED });
    // At most the sends already in flight finished after the revocation (10 at a time).
    expect((await sends()).length - atRevocation).toBeLessThanOrEqual(10);

    const resumed = await callTool(owner, "resume_campaign", { campaignId });
    expect(resumed.isError, textOf(resumed)).toBeFalsy();
    expect(resumed.structuredContent).toMatchObject({ state: "running" });
  });
});
