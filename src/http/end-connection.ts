import type { OAuthHelpers } from "@cloudflare/workers-oauth-provider";
import type { Env } from "../env";
import { appObjectName } from "../gateway/names";
import { campaignIdOf } from "../tools/campaign-report";
import { forgetGrantUse, grantCampaignApps } from "./connections-store";

/** A campaign an OAuth connection started or resumed last, as /connections shows it. */
export interface ConnectionCampaign {
  /** As the campaign tools take it (appId:id). */
  campaignId: string;
  name: string;
  state: string;
}

/**
 * Ends an OAuth connection: its access and refresh tokens stop working at once, and the campaigns
 * it started that are still running pause (resumable by whoever runs the app). Says which paused.
 */
export async function endConnection(env: Env, helpers: OAuthHelpers, grantId: string, userId: string): Promise<ConnectionCampaign[]> {
  await helpers.revokeGrant(grantId, userId);
  return connectionEnded(env, grantId);
}

/** After a connection's grant is gone: its running campaigns pause, and what was kept about it goes. */
export async function connectionEnded(env: Env, grantId: string): Promise<ConnectionCampaign[]> {
  const paused: ConnectionCampaign[] = [];
  for (const appId of await grantCampaignApps(env, grantId)) {
    for (const c of await gatewayOf(env, appId).connectionEnded(`grant:${grantId}`)) paused.push({ campaignId: campaignIdOf(appId, c.id), name: c.name, state: "paused" });
  }
  await forgetGrantUse(env, grantId);
  return paused;
}

/** The running and paused campaigns a connection started or resumed last. */
export async function connectionCampaigns(env: Env, grantId: string): Promise<ConnectionCampaign[]> {
  const campaigns: ConnectionCampaign[] = [];
  for (const appId of await grantCampaignApps(env, grantId)) {
    for (const c of await gatewayOf(env, appId).campaignsStartedBy(`grant:${grantId}`)) campaigns.push({ campaignId: campaignIdOf(appId, c.id), name: c.name, state: c.state });
  }
  return campaigns;
}

const gatewayOf = (env: Env, appId: string) => env.GATEWAY.get(env.GATEWAY.idFromName(appObjectName(appId)));
