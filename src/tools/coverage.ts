import { z } from "zod";
import { retentionDays } from "../gateway/limits";
import { describeTime } from "./time-input";

const DAY = 86_400_000;

/**
 * What an answer drawn from the inbox covers. The inbox knows only what Gupshup reported after
 * configure_webhook first ran, for the retention's days: an empty answer for "today" when tracking
 * started at 16:19 means "nothing since 16:19", and the answer has to say so.
 */
export const coverageOutput = z.object({
  from: z.string(),
  until: z.string(),
  trackingSince: z.string(),
  complete: z.boolean().describe("False when part of the asked window is before tracking started or past the retention, or the list was cut at limit."),
  note: z.string(),
});
export type Coverage = z.infer<typeof coverageOutput>;

export interface CoverageInput {
  /** When delivery tracking started (configure_webhook's first run). */
  trackingSince: number;
  /** INBOX_RETENTION_DAYS as configured. */
  retention: string | undefined;
  /** The window asked for; `since` undefined: "everything the inbox holds". */
  since?: number;
  until: number;
  timeZone?: string;
  /** The list was cut at this many (there may be more in the window). */
  cutAt?: number;
  now?: number;
}

/** The window an inbox answer actually covers, and a sentence saying so (and why, when it is less than asked). */
export function inboxCoverage({ trackingSince, retention, since, until, timeZone, cutAt, now = Date.now() }: CoverageInput): Coverage {
  const days = retentionDays(retention);
  const kept = now - days * DAY;
  const known = Math.max(trackingSince, kept);
  const from = Math.min(Math.max(since ?? known, known), until);
  const at = (ms: number) => describeTime(ms, timeZone);
  const notes: string[] = [];
  if (since === undefined || since < known) {
    notes.push(trackingSince >= kept ? `delivery tracking started ${at(trackingSince)}: nothing before that is known` : `the inbox keeps ${days} days: nothing before ${at(kept)} is kept`);
  }
  if (cutAt !== undefined) notes.push(`only the first ${cutAt} are shown: there may be more (raise limit or narrow the window)`);
  const complete = (since === undefined || since >= known) && cutAt === undefined;
  const note = complete
    ? `Covers ${at(from)} to ${at(until)}.`
    : from === until
      ? `Nothing is known for that window: ${notes.join("; ")}.`
      : `Covers only ${at(from)} to ${at(until)}: ${notes.join("; ")}.`;
  return { from: new Date(from).toISOString(), until: new Date(until).toISOString(), trackingSince: new Date(trackingSince).toISOString(), complete, note };
}
