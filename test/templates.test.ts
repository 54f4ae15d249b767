import { beforeEach, describe, expect, it } from "vitest";
import { TEMPLATE_RULES } from "../src/sandbox/rules";
import { SEED_APP_IDS, seedState } from "../src/sandbox/seed";
import { callTool, connect, resetAll, sandbox, textOf, upstreamRequests } from "./helpers";

const appId = SEED_APP_IDS.store;
type Template = { id: string; elementName: string; status: string; body: string | null; footer: string | null; buttons: Record<string, unknown>[]; variableCount: number; params: string[] };
const templatesOf = (result: { structuredContent?: Record<string, unknown> }) => (result.structuredContent as { templates: Template[] }).templates;
const ORDER_UPDATE = "5f0c6a1e-3b7d-4c2a-9e1f-000000000001";

/** A form request straight to the simulator, as another Gupshup client would send it. */
async function askSandbox(method: string, path: string, fields: Record<string, string>): Promise<{ status: number; body: { status?: string; message?: string } }> {
  const response = await sandbox().fetch(
    new Request(`https://sandbox.invalid/partner/app/${appId}${path}`, {
      method,
      headers: { Authorization: seedState().apps[appId]!.appToken, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
    }),
  );
  return { status: response.status, body: await response.json() };
}

beforeEach(resetAll);

describe("list_templates", () => {
  it("sortBy sends: the most sent in the last 30 days first, counting campaign sends (recorded by id) and single sends (by name) alike", async () => {
    const client = await connect();
    const LOGIN_OTP = "5f0c6a1e-3b7d-4c2a-9e1f-000000000003";
    await callTool(client, "send_template_message", { appId, destination: "919811100001", template: { id: LOGIN_OTP, params: ["123456", "123456"] } });
    for (const destination of ["919811100002", "919811100003"]) await callTool(client, "send_template_message", { appId, destination, template: { id: ORDER_UPDATE, params: ["Asha", "ORD-1"] } });
    const result = await callTool(client, "list_templates", { appId, sortBy: "sends", limit: 2 });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(templatesOf(result).map((t) => t.elementName)).toEqual(["order_update", "login_otp"]);
    expect(result.structuredContent!.sends).toEqual({ order_update: 2, login_otp: 1 });
    expect(textOf(result)).toMatch(
      /^\d+ template\(s\) \(showing 2\), most sent first \(sends through this server in the last 30 days; get_template_analytics has Meta's counts\):\n- order_update .* — 2 sent in 30 days — /,
    );
  });

  it("returns templates with containerMeta parsed, using the app token", async () => {
    const client = await connect();
    const result = await callTool(client, "list_templates", { appId });
    expect(result.isError).toBeFalsy();
    const templates = templatesOf(result);
    expect(templates.map((t) => t.status).sort()).toEqual(["APPROVED", "APPROVED", "APPROVED", "APPROVED", "APPROVED", "PENDING", "REJECTED"]);
    const sale = templates.find((t) => t.elementName === "spring_sale")!;
    expect(sale.body).toBe("Spring sale: {{1}} off everything until Sunday.");
    expect(sale.footer).toBe("Reply STOP to opt out");
    expect(sale.buttons).toHaveLength(2);
    expect(sale.variableCount).toBe(1);
    expect(textOf(result)).toContain("promo_blast [REJECTED]");
    // A rejection says what to fix, not only Meta's word for it.
    expect(textOf(result)).toContain("rejected: Invalid Format. Usually: variables out of sequence");
    // The text alone is enough for a send: the id, the params in order, and the body they fill.
    expect(sale.params).toEqual(["body {{1}}"]);
    expect(textOf(result)).toContain(`spring_sale [APPROVED] MARKETING/IMAGE en — id ${sale.id} — params: body {{1}} — "Spring sale: {{1}} off everything until Sunday."`);

    const calls = await upstreamRequests(/\/templates$/);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.headers.authorization).toMatch(/^sk_sandbox/);
  });

  it("filters by status, category and name", async () => {
    const client = await connect();
    const approved = templatesOf(await callTool(client, "list_templates", { appId, status: "APPROVED", category: "MARKETING" }));
    expect(approved.map((t) => t.elementName)).toEqual(["spring_sale", "new_arrivals"]);
    const search = await callTool(client, "list_templates", { appId, search: "OTP", limit: 1 });
    expect(templatesOf(search).map((t) => t.elementName)).toEqual(["login_otp"]);
    expect(search.structuredContent!.total).toBe(1);
    // People write names with spaces; Gupshup's have underscores.
    expect(templatesOf(await callTool(client, "list_templates", { appId, search: "Order Update" })).map((t) => t.elementName)).toEqual(["order_update"]);
  });

  it("an empty search says how names are written, and that a filter may be the reason", async () => {
    const client = await connect();
    const none = await callTool(client, "list_templates", { appId, search: "diwali offer", status: "APPROVED" });
    expect(none.isError).toBeFalsy();
    expect(textOf(none)).toBe("No template matches. The app has 7 template(s); names are lowercase with underscores (e.g. order_update), so try one word of the name, or drop a filter.");
  });

  it("serves a second list within 60 s from the cache, and refresh: true asks Gupshup again", async () => {
    const client = await connect();
    const first = await callTool(client, "list_templates", { appId });
    const second = await callTool(client, "list_templates", { appId });
    expect(first.structuredContent!.cached).toBe(false);
    expect(second.structuredContent!.cached).toBe(true);
    expect(templatesOf(second)).toEqual(templatesOf(first));
    expect(await upstreamRequests(/\/templates$/)).toHaveLength(1);

    await callTool(client, "list_templates", { appId, refresh: true });
    expect(await upstreamRequests(/\/templates$/)).toHaveLength(2);
  });
});

describe("create_template", () => {
  const valid = {
    appId,
    elementName: "shipping_update",
    languageCode: "en_US",
    category: "UTILITY",
    templateType: "TEXT",
    content: "Hi {{1}}, order {{2}} is on its way.",
    example: "Hi Asha, order ORD-7 is on its way.",
    footer: "Thanks for shopping",
    buttons: [
      { type: "URL", text: "Track", url: "https://shop.example.com/track/{{1}}", example: "https://shop.example.com/track/ORD-7" },
      { type: "PHONE_NUMBER", text: "Call us", phoneNumber: "+919000000001" },
      { type: "QUICK_REPLY", text: "Thanks" },
    ],
  };

  it("sends form-urlencoded fields with buttons as a JSON string, and the new template shows up in the next list", async () => {
    const client = await connect();
    await callTool(client, "list_templates", { appId }); // warm the cache
    const result = await callTool(client, "create_template", valid);
    expect(result.isError, textOf(result)).toBeFalsy();
    expect((result.structuredContent as { template: Template }).template).toMatchObject({ elementName: "shipping_update", status: "PENDING" });

    const [create] = await upstreamRequests(/\/templates$/).then((r) => r.filter((c) => c.method === "POST"));
    expect(create!.contentType).toBe("application/x-www-form-urlencoded");
    const form = new URLSearchParams(create!.body);
    expect(form.get("elementName")).toBe("shipping_update");
    expect(form.get("category")).toBe("UTILITY");
    expect(form.get("enableSample")).toBe("true");
    expect(form.get("example")).toBe("Hi Asha, order ORD-7 is on its way.");
    expect(form.get("vertical")).toBe("Shipping update");
    expect(form.has("exampleHeader")).toBe(false);
    expect(JSON.parse(form.get("buttons")!)).toEqual([
      { type: "URL", text: "Track", url: "https://shop.example.com/track/{{1}}", example: ["https://shop.example.com/track/ORD-7"] },
      { type: "PHONE_NUMBER", text: "Call us", phone_number: "+919000000001" },
      { type: "QUICK_REPLY", text: "Thanks" },
    ]);

    const list = await callTool(client, "list_templates", { appId });
    expect(list.structuredContent!.cached).toBe(false);
    expect(templatesOf(list).map((t) => t.elementName)).toContain("shipping_update");
  });

  it.each([
    [{ elementName: "Bad-Name" }, /lowercase letters, digits and underscores/],
    [{ elementName: "x".repeat(181) }, /at most 180/],
    [{ content: "x".repeat(1025) }, /at most 1024/],
    [{ footer: "f".repeat(61) }, /at most 60/],
    [{ content: "Hi {{1}} and {{3}}" }, /without gaps/],
    [{ example: undefined }, /example.*required/],
    [{ category: "AUTHENTICATION", buttons: [{ type: "OTP" }] }, /must start with "\{\{1\}\} is your verification code/],
    [{ category: "AUTHENTICATION", content: "{{1}} is your verification code.", example: "123456 is your verification code.", header: "Hi", buttons: [{ type: "OTP" }] }, /cannot have a header/],
    [{ category: "AUTHENTICATION", content: "{{1}} is your verification code.", example: "123456 is your verification code." }, /exactly one OTP button/],
    [{ templateType: "CATALOG", category: "AUTHENTICATION" }, /only available for MARKETING and UTILITY/],
    [{ templateType: "IMAGE" }, /run upload_media/],
    [{ buttons: Array.from({ length: 11 }, (_, i) => ({ type: "QUICK_REPLY", text: `r${i}` })) }, /at most 10 buttons/],
    [
      {
        buttons: [
          { type: "PHONE_NUMBER", text: "a", phoneNumber: "+919000000001" },
          { type: "PHONE_NUMBER", text: "b", phoneNumber: "+919000000002" },
        ],
      },
      /at most one PHONE_NUMBER/,
    ],
    [
      {
        buttons: [
          { type: "QUICK_REPLY", text: "a" },
          { type: "URL", text: "u", url: "https://x.example.com" },
          { type: "QUICK_REPLY", text: "b" },
        ],
      },
      /grouped together/,
    ],
    [{ buttons: [{ type: "COPY_CODE", example: "SAVE10" }] }, /only for MARKETING/],
    [{ buttons: [{ type: "QUICK_REPLY", text: "x".repeat(26) }] }, /at most 25/],
    [{ buttons: [{ type: "URL", text: "Track" }] }, /a URL button needs url/],
    [{ buttons: [{ type: "PHONE_NUMBER" }] }, /a PHONE_NUMBER button needs text and phoneNumber/],
    [{ category: "MARKETING", buttons: [{ type: "COPY_CODE", example: "SAVE10-EXTRA-LONG" }] }, /COPY_CODE example must be at most 15/],
    [{ header: "Order {{1}} shipped" }, /header has a variable, so `exampleHeader` is required: the header with \{\{1\}\} replaced by a sample value/],
    [{ header: "Order {{1}} shipped", exampleHeader: "Order {{1}} shipped" }, /exampleHeader must have \{\{1\}\} replaced/],
    [{ exampleHeader: "Order ORD-7 shipped" }, /exampleHeader is only for a header with a variable/],
    [{ vertical: "v".repeat(181) }, /at most 180/],
  ])("rejects %j before any upstream call", async (override, message) => {
    const client = await connect();
    const result = await callTool(client, "create_template", { ...valid, buttons: undefined, ...override });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(message);
    expect(await upstreamRequests()).toHaveLength(0);
  });

  it("always sends vertical and example: the name humanised, and content without variables as its own example", async () => {
    const client = await connect();
    const plain = { appId, elementName: "__back_in__stock_", languageCode: "en", category: "MARKETING", templateType: "TEXT", content: "Your favourites are back in stock." };
    const result = await callTool(client, "create_template", plain);
    expect(result.isError, textOf(result)).toBeFalsy();
    const labelled = await callTool(client, "create_template", { ...plain, elementName: "restock", vertical: "Retail", example: "Your favourites are back in stock!" });
    expect(labelled.isError, textOf(labelled)).toBeFalsy();

    const forms = (await upstreamRequests(/\/templates$/)).filter((r) => r.method === "POST").map((r) => new URLSearchParams(r.body));
    expect(forms.map((f) => [f.get("vertical"), f.get("example")])).toEqual([
      ["Back in stock", "Your favourites are back in stock."],
      ["Retail", "Your favourites are back in stock!"],
    ]);
  });

  it("sends exampleHeader for a header with a variable", async () => {
    const client = await connect();
    const result = await callTool(client, "create_template", { ...valid, buttons: undefined, header: "Order {{1}} shipped", exampleHeader: "Order ORD-7 shipped" });
    expect(result.isError, textOf(result)).toBeFalsy();
    const [create] = await upstreamRequests(/\/templates$/);
    const form = new URLSearchParams(create!.body);
    expect([form.get("header"), form.get("exampleHeader")]).toEqual(["Order {{1}} shipped", "Order ORD-7 shipped"]);
  });

  it("simulator: refuses a create without vertical or example, or a header variable without exampleHeader, as Gupshup's type pages require", async () => {
    const complete = {
      elementName: "direct_create",
      languageCode: "en",
      category: "UTILITY",
      templateType: "TEXT",
      content: "Your order shipped.",
      example: "Your order shipped.",
      vertical: "Orders",
      enableSample: "true",
    };
    const without = (field: string) => Object.fromEntries(Object.entries(complete).filter(([key]) => key !== field));
    expect(await askSandbox("POST", "/templates", without("vertical"))).toEqual({ status: 400, body: { status: "error", message: TEMPLATE_RULES.missingVertical } });
    expect(await askSandbox("POST", "/templates", without("example"))).toEqual({ status: 400, body: { status: "error", message: TEMPLATE_RULES.missingExample } });
    expect(await askSandbox("POST", "/templates", { ...complete, header: "Order {{1}}" })).toEqual({ status: 400, body: { status: "error", message: TEMPLATE_RULES.missingExampleHeader } });
    expect(await askSandbox("PUT", `/templates/${ORDER_UPDATE}`, { header: "Order {{1}}" })).toEqual({ status: 400, body: { status: "error", message: TEMPLATE_RULES.missingExampleHeader } });
    expect((await askSandbox("POST", "/templates", { ...complete, header: "Order {{1}}", exampleHeader: "Order 7" })).status).toBe(200);
  });

  it("accepts a valid AUTHENTICATION template", async () => {
    const client = await connect();
    const result = await callTool(client, "create_template", {
      appId,
      elementName: "verify_code",
      languageCode: "en",
      category: "AUTHENTICATION",
      templateType: "TEXT",
      content: "{{1}} is your verification code. Do not share it.",
      example: "482913 is your verification code. Do not share it.",
      buttons: [{ type: "OTP", otpType: "COPY_CODE", text: "Copy code" }],
    });
    expect(result.isError, textOf(result)).toBeFalsy();
    const [create] = await upstreamRequests(/\/templates$/);
    expect(JSON.parse(new URLSearchParams(create!.body).get("buttons")!)).toEqual([{ type: "OTP", otp_type: "COPY_CODE", text: "Copy code" }]);
  });

  it("translates a Gupshup refusal into an actionable message", async () => {
    const client = await connect();
    const result = await callTool(client, "create_template", { ...valid, buttons: undefined, elementName: "order_update", languageCode: "en" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("Template Already exists");
  });
});

describe("edit_template and delete_template", () => {
  it("edits with PUT on /templates/{id}, and the change is visible at once", async () => {
    const client = await connect();
    const before = templatesOf(await callTool(client, "list_templates", { appId }));
    const order = before.find((t) => t.elementName === "order_update")!;
    const result = await callTool(client, "edit_template", { appId, templateId: order.id, content: "Hello {{1}}, order {{2}} shipped.", example: "Hello Ravi, order A1 shipped." });
    expect(result.isError, textOf(result)).toBeFalsy();
    const put = (await upstreamRequests()).find((r) => r.method === "PUT")!;
    expect(put.path).toBe(`/partner/app/${appId}/templates/${order.id}`);
    expect(new URLSearchParams(put.body).get("content")).toBe("Hello {{1}}, order {{2}} shipped.");

    const after = templatesOf(await callTool(client, "list_templates", { appId }));
    expect(after.find((t) => t.id === order.id)).toMatchObject({ body: "Hello {{1}}, order {{2}} shipped.", status: "PENDING" });
  });

  it("sends new content without variables as its own example, exampleHeader with a new header, and never vertical", async () => {
    const client = await connect();
    const plain = await callTool(client, "edit_template", { appId, templateId: ORDER_UPDATE, content: "Your order has shipped." });
    expect(plain.isError, textOf(plain)).toBeFalsy();
    const header = await callTool(client, "edit_template", { appId, templateId: ORDER_UPDATE, header: "Order {{1}}", exampleHeader: "Order ORD-7" });
    expect(header.isError, textOf(header)).toBeFalsy();

    const [first, second] = (await upstreamRequests()).filter((r) => r.method === "PUT").map((r) => Object.fromEntries(new URLSearchParams(r.body)));
    expect(first).toEqual({ content: "Your order has shipped.", example: "Your order has shipped.", enableSample: "true" });
    expect(second).toEqual({ header: "Order {{1}}", exampleHeader: "Order ORD-7", enableSample: "true" });
  });

  it("refuses an edit to a header with a variable but no exampleHeader, before any upstream call", async () => {
    const client = await connect();
    const result = await callTool(client, "edit_template", { appId, templateId: ORDER_UPDATE, header: "Order {{1}}" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/exampleHeader.*required/);
    expect(await upstreamRequests()).toHaveLength(0);
  });

  it("refuses an edit that changes nothing", async () => {
    const client = await connect();
    const result = await callTool(client, "edit_template", { appId, templateId: ORDER_UPDATE });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/nothing to change/);
    expect(await upstreamRequests()).toHaveLength(0);
  });

  it("deletes by name (singular /template/ path) and by name + id", async () => {
    const client = await connect();
    const templates = templatesOf(await callTool(client, "list_templates", { appId }));
    const byName = await callTool(client, "delete_template", { appId, elementName: "promo_blast" });
    expect(byName.isError, textOf(byName)).toBeFalsy();
    const otp = templates.find((t) => t.elementName === "login_otp")!;
    // The spec's call has no confirm and still deletes; the answer says what confirm is for.
    expect(textOf(byName)).toBe("Deleted template promo_blast (all languages). (No confirm: true was given: pass it once the person has agreed, as for start_campaign.)");
    const byId = await callTool(client, "delete_template", { appId, elementName: "login_otp", templateId: otp.id, confirm: true });
    expect(byId.isError, textOf(byId)).toBeFalsy();
    expect(textOf(byId)).toBe(`Deleted template login_otp (${otp.id}).`);
    const deletes = (await upstreamRequests()).filter((r) => r.method === "DELETE").map((r) => r.path);
    expect(deletes).toEqual([`/partner/app/${appId}/template/promo_blast`, `/partner/app/${appId}/template/login_otp/${otp.id}`]);
    const left = templatesOf(await callTool(client, "list_templates", { appId })).map((t) => t.elementName);
    expect(left).not.toContain("promo_blast");
    expect(left).not.toContain("login_otp");
  });

  it("says how to find the right name when the template does not exist", async () => {
    const client = await connect();
    const result = await callTool(client, "delete_template", { appId, elementName: "no_such_template" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/Template 'no_such_template' not found.*Run list_templates/);
  });
});
