import type { Campaign } from "./store";
import { tierLimit } from "./tier";

/** A number's messaging tier and quality, as Gupshup's ratings give them. */
export interface Rating {
  tier: string | null;
  quality: string | null;
}

/** How often a running campaign looks at its number's rating again (Gupshup gives one a day). */
const LOOK_EVERY_MS = 86_400_000;

/** What a new rating means for a running campaign. */
export type TierChange = { kind: "pause"; reason: string; tier?: { tier: string; dailyLimit: number | null } } | { kind: "grow"; tier: { tier: string; dailyLimit: number | null } };

/**
 * Looks at a running campaign's number rating at its first send in an object's life and once a
 * day after: quality RED pauses it; a lower tier pauses it (it resumes at the new tier's pace); a
 * higher tier, or a first known one, lets it go on at that pace.
 */
export class TierWatch {
  private readonly looked = new Map<string, number>();

  constructor(private readonly read: (campaign: Campaign) => Promise<Rating | undefined>) {}

  async change(campaign: Campaign, now: number): Promise<TierChange | undefined> {
    const last = this.looked.get(campaign.id);
    if (last !== undefined && now - last < LOOK_EVERY_MS) return undefined;
    this.looked.set(campaign.id, now);
    const rating = await this.read(campaign);
    if (!rating) return undefined;
    if (rating.quality === "RED") {
      return {
        kind: "pause",
        reason:
          "Paused: the number's quality dropped to RED (many people blocked or reported its messages). Sending on can lower its tier or restrict it; control_campaign with action resume once get_app_health shows YELLOW or GREEN.",
      };
    }
    if (!rating.tier || rating.tier === campaign.tier) return undefined;
    const limit = tierLimit(rating.tier);
    if (limit === undefined) return undefined;
    const next = { tier: rating.tier, dailyLimit: Number.isFinite(limit) ? limit : null };
    // A campaign whose tier was not known at its preview learns it now and goes on at its pace.
    if (campaign.tier === null) return { kind: "grow", tier: next };
    const before = campaign.dailyLimit ?? Number.POSITIVE_INFINITY;
    if (limit >= before) return { kind: "grow", tier: next };
    return {
      kind: "pause",
      reason: `Paused: the number's messaging tier fell from ${campaign.tier ?? "unlimited"} to ${rating.tier} (${limit} new people a day). control_campaign with action resume continues at the new pace.`,
      tier: next,
    };
  }

  /** A campaign resumed: its next send looks again. */
  forget(campaignId: string): void {
    this.looked.delete(campaignId);
  }
}
