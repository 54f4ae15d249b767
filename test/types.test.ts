import type { AnalyticsResult, App, Template } from "gupshup-mcp";
import { describe, expectTypeOf, it } from "vitest";

// These are compile-time checks: `npm run typecheck` (tsc over test/) fails when a type drifts.
describe("typed exports", () => {
  it("import type { Template, AnalyticsResult } from 'gupshup-mcp' resolves to the tools' output shapes", () => {
    expectTypeOf<Template["elementName"]>().toEqualTypeOf<string>();
    expectTypeOf<Template["variableCount"]>().toEqualTypeOf<number>();
    expectTypeOf<AnalyticsResult["delivered"]>().toEqualTypeOf<number>();
    expectTypeOf<App["appId"]>().toEqualTypeOf<string>();
  });
});
