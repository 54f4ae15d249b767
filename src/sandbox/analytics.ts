import type { SandboxTemplate } from "./state";

/**
 * The sandbox's template traffic: one made-up but stable number of sends per template per UTC
 * day, from which analytics, comparisons and the usage report all count, so they agree for the
 * same window. Deliveries, reads and clicks follow from sends; clicks exist only for the buttons a
 * template has.
 */

const DAY_MS = 86_400_000;

/** A stable pseudo-random number for sandbox figures (same input, same answer). */
export function figure(seed: string, max: number): number {
  let hash = 2166136261;
  for (const ch of seed) hash = Math.imul(hash ^ ch.charCodeAt(0), 16777619) >>> 0;
  return hash % max;
}

/** 150–499 sends a day, so every template passes Meta's 1,000-send bar over 7 days. */
const sendsOn = (templateId: string, day: number) => 150 + figure(`${templateId}:${day}`, 350);

export interface TemplateTraffic {
  start: number;
  end: number;
  sent: number;
  delivered: number;
  read: number;
  clicked: { type: string; button_content: string; count: number }[];
}

/** Sends between two instants (Unix seconds), each day counted for the part of it in range. */
export function sendsBetween(templateId: string, startSeconds: number, endSeconds: number): number {
  const start = startSeconds * 1000;
  const end = endSeconds * 1000;
  let sent = 0;
  for (let day = Math.floor(start / DAY_MS); day * DAY_MS < end; day++) {
    const overlap = Math.min(end, (day + 1) * DAY_MS) - Math.max(start, day * DAY_MS);
    sent += Math.floor((sendsOn(templateId, day) * overlap) / DAY_MS);
  }
  return sent;
}

/**
 * A day's template messages by category as the usage report counts them: the sends of the app's
 * APPROVED templates that day (up to `nowMs` for today), so its totals hold every template's
 * analytics for the same days.
 */
export function templateSendsOn(templates: readonly SandboxTemplate[], date: string, nowMs: number): { marketing: number; utility: number; authentication: number } {
  const start = Date.parse(`${date}T00:00:00Z`);
  const end = Math.min(start + DAY_MS, Math.max(start, nowMs));
  const counts = { marketing: 0, utility: 0, authentication: 0 };
  for (const t of templates) {
    if (t.status !== "APPROVED") continue;
    const key = t.category === "MARKETING" ? "marketing" : t.category === "AUTHENTICATION" ? "authentication" : "utility";
    counts[key] += sendsBetween(t.id, Math.floor(start / 1000), Math.floor(end / 1000));
  }
  return counts;
}

export function trafficBetween(template: SandboxTemplate, startSeconds: number, endSeconds: number): TemplateTraffic {
  const sent = sendsBetween(template.id, startSeconds, endSeconds);
  const delivered = Math.floor(sent * 0.93);
  const read = Math.floor(delivered * 0.71);
  const clicked = buttonsOf(template).flatMap((button, index) => {
    const b = button as { type?: string; text?: string };
    const type = b.type === "URL" ? "url_button" : b.type === "QUICK_REPLY" ? "quick_reply_button" : undefined;
    return type && b.text ? [{ type, button_content: b.text, count: Math.floor(read * (0.05 + figure(`${template.id}:${index}`, 20) / 100)) }] : [];
  });
  return { start: startSeconds, end: endSeconds, sent, delivered, read, clicked };
}

/** One row per UTC day of the range (the first and last may be partial); at most 100, as Gupshup's 90-day reach allows. */
export function dailyTraffic(template: SandboxTemplate, startSeconds: number, endSeconds: number): TemplateTraffic[] {
  const rows: TemplateTraffic[] = [];
  for (let from = startSeconds; from < endSeconds && rows.length < 100; ) {
    const to = Math.min(endSeconds, (Math.floor(from / 86_400) + 1) * 86_400);
    rows.push(trafficBetween(template, from, to));
    from = to;
  }
  return rows;
}

/** The buttons as the template now has them (containerMeta is what create and edit write). */
function buttonsOf(template: SandboxTemplate): unknown[] {
  try {
    const meta = JSON.parse(template.containerMeta) as { buttons?: unknown };
    return Array.isArray(meta.buttons) ? meta.buttons : [];
  } catch {
    return [];
  }
}
