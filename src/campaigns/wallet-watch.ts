import type { RecipientState } from "./recipient-rows";
import type { Campaign } from "./store";

/** The app's wallet as Gupshup reports it. */
export interface Wallet {
  currency: string;
  currentBalance: number;
  overDraftLimit: number;
}

/** Sends between two reads of the wallet: a twentieth of the campaign, at least 50 and at most 2,000. */
export function walletCheckEvery(total: number): number {
  return Math.min(2_000, Math.max(50, Math.ceil(total / 20)));
}

/**
 * Reads the wallet of a running campaign's app now and then — at its first send in this object's
 * life and every walletCheckEvery sends after — and says to pause when what is left (with the
 * overdraft) would not pay for the sends until the next read, so the campaign stops before
 * Gupshup refuses. A campaign with no known cost per message is not watched; one read at a time.
 */
export class WalletWatch {
  /** Per campaign: the sent count at the last read, and the read under way (every send waits for it). */
  private readonly checked = new Map<string, { atSent: number; reading?: Promise<string | undefined> }>();

  constructor(private readonly read: (campaign: Campaign) => Promise<Wallet | undefined>) {}

  /** Why the campaign must pause before its next send, if it must. */
  async pauseReason(campaign: Campaign, countsOf: () => Record<RecipientState, number>): Promise<string | undefined> {
    const fee = campaign.feePerMessage;
    if (fee === null || fee <= 0) return undefined;
    const last = this.checked.get(campaign.id);
    if (last?.reading) return last.reading;
    const counts = countsOf();
    const every = walletCheckEvery(Object.values(counts).reduce((a, b) => a + b, 0));
    if (last && counts.submitted - last.atSent < every) return undefined;
    const entry: { atSent: number; reading?: Promise<string | undefined> } = { atSent: counts.submitted };
    this.checked.set(campaign.id, entry);
    entry.reading = this.verdict(campaign, counts, fee, every).finally(() => {
      entry.reading = undefined;
    });
    return entry.reading;
  }

  /** Whether the wallet pays for the sends until the next read (undefined: it does, or it could not be read). */
  private async verdict(campaign: Campaign, counts: Record<RecipientState, number>, fee: number, every: number): Promise<string | undefined> {
    const wallet = await this.read(campaign);
    if (!wallet) return undefined; // unreadable: Gupshup's own refusal still pauses it
    const upcoming = Math.min(counts.queued + counts.sending, every);
    const needed = upcoming * fee;
    const available = wallet.currentBalance + wallet.overDraftLimit;
    if (available >= needed) return undefined;
    const amount = (n: number) => `${Math.round(n * 100) / 100} ${wallet.currency}`;
    return `Paused before the wallet runs dry: it has ${amount(wallet.currentBalance)} (overdraft ${amount(wallet.overDraftLimit)}), and the next ${upcoming} sends cost about ${amount(needed)}. Top up, then control_campaign with action resume.`;
  }

  /** A campaign resumed: its next send reads the wallet again. */
  forget(campaignId: string): void {
    this.checked.delete(campaignId);
  }
}
