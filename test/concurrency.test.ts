import { describe, expect, it } from "vitest";
import { mapConcurrently } from "../src/utils/concurrency";

describe("fan-outs are bounded", () => {
  it("runs at most `limit` at once and keeps the results in order", async () => {
    let running = 0;
    let most = 0;
    const results = await mapConcurrently([5, 1, 4, 2, 3, 1, 2, 5, 1, 3], 3, async (ms, i) => {
      most = Math.max(most, ++running);
      await new Promise((resolve) => setTimeout(resolve, ms));
      running--;
      return i;
    });
    expect(most).toBe(3);
    expect(results).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
