import type { AnalyticsResult, App, SendResult, Template, TemplateCategory } from "gupshup-mcp";
import { describe, expectTypeOf, it } from "vitest";

// These are compile-time checks: `npm run typecheck` (tsc over test/) fails when a type drifts.
describe("typed exports", () => {
  it("import type { Template, AnalyticsResult } from 'gupshup-mcp' resolves to the tools' output shapes", () => {
    expectTypeOf<Template["elementName"]>().toEqualTypeOf<string>();
    expectTypeOf<Template["variableCount"]>().toEqualTypeOf<number>();
    expectTypeOf<AnalyticsResult["delivered"]>().toEqualTypeOf<number>();
    expectTypeOf<App["appId"]>().toEqualTypeOf<string>();
    expectTypeOf<SendResult["status"]>().toEqualTypeOf<"submitted">();
    expectTypeOf<SendResult["replayed"]>().toEqualTypeOf<boolean>();
    expectTypeOf<TemplateCategory>().toEqualTypeOf<"MARKETING" | "UTILITY" | "AUTHENTICATION">();
  });
});
