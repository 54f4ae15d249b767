/** `part` of `whole` in percent, one decimal; null when there is no whole to speak of. */
export const percent = (part: number, whole: number): number | null => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : null);
