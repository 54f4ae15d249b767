import type { z } from "zod";
import type { usageResponse } from "../api/responses";

type UsageRow = z.output<typeof usageResponse>["partnerAppUsageList"][number];

/** What one message of a category has cost this app, and how that was worked out. */
interface FeeEstimate {
  /** Per message, in `currency`; null when the app has no history to go by. */
  feePerMessage: number | null;
  currency: string | null;
  basis: string;
}

const COLUMNS = ["marketing", "utility", "authentication", "service"] as const;
const CATEGORY_COLUMN: Record<string, (typeof COLUMNS)[number]> = { MARKETING: "marketing", UTILITY: "utility", AUTHENTICATION: "authentication" };

/**
 * The average fee per message of `category` over the usage report's days. Gupshup reports each
 * day's message counts per category but only the day's total fees, so the per-category fees are
 * the least-squares fit of totalFees = Σ fee(category) × messages(category) over the days. When
 * the days cannot separate the categories, the fee is the day totals over all messages, and the
 * basis says so. No message of the category in the period: unknown.
 */
export function feeFromUsage(rows: readonly UsageRow[], category: string, days: number): FeeEstimate {
  const column = CATEGORY_COLUMN[category] ?? "marketing";
  const currency = rows.find((r) => r.currency)?.currency ?? null;
  const count = (c: (typeof COLUMNS)[number]) => rows.reduce((sum, r) => sum + (r[c] ?? 0), 0);
  const sent = count(column);
  if (sent === 0) return { feePerMessage: null, currency, basis: `unknown: no ${category} messages in this app's usage report for the last ${days} days` };
  const used = COLUMNS.filter((c) => count(c) > 0);
  const fit = leastSquares(
    rows.map((r) => used.map((c) => r[c] ?? 0)),
    rows.map((r) => r.totalFees ?? 0),
  );
  const fee = fit?.[used.indexOf(column)];
  if (fit?.every((f) => f >= 0) && fee !== undefined && fee > 0) {
    return { feePerMessage: round(fee), currency, basis: `the average ${category} fee over ${sent} such message(s) in the last ${days} days (Gupshup's usage report, fees split by category)` };
  }
  const all = COLUMNS.reduce((sum, c) => sum + count(c), 0);
  const total = rows.reduce((sum, r) => sum + (r.totalFees ?? 0), 0);
  return { feePerMessage: round(total / all), currency, basis: `the average fee over all ${all} messages in the last ${days} days (Gupshup's usage report could not be split by category)` };
}

const round = (n: number) => Math.round(n * 1_000_000) / 1_000_000;

/** Solves min ‖Ax − b‖ through the normal equations; undefined when the columns are not independent. */
function leastSquares(a: number[][], b: number[]): number[] | undefined {
  const n = a[0]?.length ?? 0;
  if (n === 0 || a.length < n) return undefined;
  // [AᵀA | Aᵀb], then Gaussian elimination with partial pivoting.
  const m = Array.from({ length: n }, (_, i) => [...Array.from({ length: n }, (_, j) => a.reduce((s, row) => s + row[i]! * row[j]!, 0)), a.reduce((s, row, k) => s + row[i]! * b[k]!, 0)]);
  for (let col = 0; col < n; col++) {
    const pivot = m.reduce((best, _, r) => (r >= col && Math.abs(m[r]![col]!) > Math.abs(m[best]![col]!) ? r : best), col);
    if (Math.abs(m[pivot]![col]!) < 1e-12) return undefined;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const factor = m[r]![col]! / m[col]![col]!;
      for (let k = col; k <= n; k++) m[r]![k]! -= factor * m[col]![k]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}
