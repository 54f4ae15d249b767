import type { Recipient } from "./recipient-rows";
import type { Campaign, CampaignStore } from "./store";

/**
 * A campaign's A/B test: a share of the list, split evenly between the campaign's template (A)
 * and a second one (B), is sent first; a set time after the last of those sends the template read
 * by the larger part of its recipients (read events from the delivery inbox) wins, and the rest of
 * the list gets the winner. A tie goes to A.
 */
export interface AbPlan {
  templateId: string;
  templateName: string;
  /** The test share of the list (0.02–0.5). */
  share: number;
  /** How long after the last test send the winner is chosen. */
  decideAfterMs: number;
}

export type TestCounts = Record<"A" | "B", { sent: number; read: number }>;

export interface AbState extends AbPlan {
  /** When the last test send settled (null: the test is still sending). */
  testDoneAt: number | null;
  winner: "A" | "B" | null;
  /** What the winner was chosen on (reads that come later do not change it). */
  decidedOn: TestCounts | null;
}

/** The fewest people in a test share: fewer cannot tell two templates apart. */
export const MIN_TEST_SIZE = 10;

export const testSize = (queued: number, share: number) => Math.round(queued * share);

/** The template a recipient gets: their test variant's, or the winner's (A until one is chosen). */
export function templateFor(campaign: Campaign, recipient: Recipient): string {
  const variant = recipient.variant ?? campaign.abTest?.winner ?? "A";
  return variant === "B" && campaign.abTest ? campaign.abTest.templateId : campaign.templateId;
}

/** Whether the campaign's rest waits for its test's winner (the test share is sent; the decision has not come). */
export function waitsForWinner(campaign: Campaign): boolean {
  return campaign.abTest !== null && campaign.abTest.winner === null;
}

/** When a waiting test is decided (undefined: its test share is still sending). */
export function decisionAt(campaign: Campaign): number | undefined {
  const ab = campaign.abTest;
  return ab && ab.winner === null && ab.testDoneAt !== null ? ab.testDoneAt + ab.decideAfterMs : undefined;
}

/** Moves a running campaign's test on: notes when its test share is all sent, and picks the winner once the set time has passed. */
export function advanceTest(store: CampaignStore, campaign: Campaign, now: number): void {
  const ab = campaign.abTest;
  if (!ab || ab.winner !== null) return;
  if (ab.testDoneAt === null) {
    if (!store.recipients.testLeft(campaign.id)) store.setTestDone(campaign.id, now);
    return;
  }
  if (now < ab.testDoneAt + ab.decideAfterMs) return;
  const counts = store.recipients.testCounts(campaign.id);
  store.setWinner(campaign.id, readRate(counts.B) > readRate(counts.A) ? "B" : "A", counts);
}

const readRate = (v: { sent: number; read: number }) => (v.sent > 0 ? v.read / v.sent : 0);
