import { SANDBOX_DEMO_LOGIN, SANDBOX_DEMO_PARTNER_TOKEN, SANDBOX_OTHER_PARTNER_TOKEN } from "./credentials";
import type { SandboxApp, SandboxState, SandboxTemplate } from "./state";

/** Deterministic seed: two apps of the demo partner, one app of another partner. */
export const SEED_APP_IDS = {
  store: "5f0c6a1e-3b7d-4c2a-9e1f-0a1b2c3d4e01",
  clinic: "5f0c6a1e-3b7d-4c2a-9e1f-0a1b2c3d4e02",
  other: "7a9e2b4c-1d3f-4e5a-8b6c-0d1e2f3a4b03",
} as const;

const DAY = 86_400_000;
const EPOCH = Date.UTC(2026, 0, 5);

function template(appId: string, n: number, t: Partial<SandboxTemplate> & Pick<SandboxTemplate, "elementName" | "category" | "templateType" | "status" | "data">): SandboxTemplate {
  const meta = { data: t.data, header: t.header ?? undefined, footer: t.footer ?? undefined, buttons: t.buttons ?? [], sampleText: t.sampleText ?? t.data, enableSample: true };
  return {
    id: `${appId.slice(0, 24)}${String(n).padStart(12, "0")}`,
    appId,
    languageCode: "en",
    quality: t.status === "APPROVED" ? "GREEN" : "UNKNOWN",
    reason: null,
    createdOn: EPOCH + n * DAY,
    modifiedOn: EPOCH + n * DAY,
    namespace: "sandbox_namespace",
    wabaId: "100000000000001",
    vertical: "Sandbox",
    ...t,
    containerMeta: JSON.stringify(meta),
  };
}

function app(id: string, partnerId: number, name: string, phone: string, templates: SandboxTemplate[], extra: Partial<SandboxApp> = {}): SandboxApp {
  return {
    id,
    partnerId,
    name,
    phone,
    live: true,
    healthy: true,
    stopped: false,
    createdOn: EPOCH,
    modifiedOn: EPOCH,
    appToken: `sk_sandbox${id.replace(/-/g, "").slice(0, 24)}`,
    analyticsEnabled: false,
    wallet: { currency: "USD", currentBalance: 42.5, overDraftLimit: 0 },
    ratings: null,
    templates,
    sent: [],
    subscriptions: [],
    inbound: {},
    ...extra,
  };
}

export function seedState(): SandboxState {
  const store = SEED_APP_IDS.store;
  const clinic = SEED_APP_IDS.clinic;
  return {
    partners: [
      { id: 1001, name: "Sandbox Demo Partner", email: SANDBOX_DEMO_LOGIN.email, secret: SANDBOX_DEMO_LOGIN.secret },
      { id: 1002, name: "Another Partner", email: "other@sandbox.invalid", secret: "sandbox-other-secret" },
    ],
    partnerTokens: {
      [SANDBOX_DEMO_PARTNER_TOKEN]: { partnerId: 1001, expiresAt: Number.MAX_SAFE_INTEGER },
      [SANDBOX_OTHER_PARTNER_TOKEN]: { partnerId: 1002, expiresAt: Number.MAX_SAFE_INTEGER },
    },
    apps: {
      [store]: app(
        store,
        1001,
        "DemoStore",
        "919000000001",
        [
          template(store, 1, {
            elementName: "order_update",
            category: "UTILITY",
            templateType: "TEXT",
            status: "APPROVED",
            data: "Hi {{1}}, your order {{2}} has shipped!",
            sampleText: "Hi Rahul, your order ORD-12345 has shipped!",
          }),
          template(store, 2, {
            elementName: "spring_sale",
            category: "MARKETING",
            templateType: "IMAGE",
            status: "APPROVED",
            data: "Spring sale: {{1}} off everything until Sunday.",
            footer: "Reply STOP to opt out",
            buttons: [
              { type: "URL", text: "Shop now", url: "https://shop.example.com/sale" },
              { type: "QUICK_REPLY", text: "Not interested" },
            ],
          }),
          template(store, 3, {
            elementName: "login_otp",
            category: "AUTHENTICATION",
            templateType: "TEXT",
            status: "APPROVED",
            data: "{{1}} is your verification code.",
            buttons: [{ type: "OTP", otp_type: "COPY_CODE", text: "Copy code" }],
          }),
          template(store, 4, { elementName: "welcome_offer", category: "MARKETING", templateType: "TEXT", status: "PENDING", data: "Welcome {{1}}! Here is 10% off your first order." }),
          template(store, 5, { elementName: "promo_blast", category: "MARKETING", templateType: "TEXT", status: "REJECTED", reason: "Invalid Format", data: "BUY NOW!!! {{1}}" }),
          template(store, 6, {
            elementName: "pickup_location",
            category: "UTILITY",
            templateType: "LOCATION",
            status: "APPROVED",
            data: "Your order {{1}} is ready for pickup at the store shown above.",
            sampleText: "Your order ORD-12345 is ready for pickup at the store shown above.",
          }),
          template(store, 7, {
            elementName: "new_arrivals",
            category: "MARKETING",
            templateType: "CATALOG",
            status: "APPROVED",
            data: "Hi {{1}}, new arrivals are in. Browse them in our catalog.",
            sampleText: "Hi Rahul, new arrivals are in. Browse them in our catalog.",
            buttons: [{ type: "CATALOG", text: "View catalog" }],
          }),
        ],
        {
          ratings: { oldLimit: "TIER_250", currentLimit: "TIER_1K", event: "UPGRADE", eventTime: EPOCH + 3 * DAY, phoneQuality: "GREEN" },
        },
      ),
      [clinic]: app(
        clinic,
        1001,
        "DemoClinic",
        "919000000002",
        [
          template(clinic, 1, { elementName: "appointment_reminder", category: "UTILITY", templateType: "TEXT", status: "APPROVED", data: "Reminder: your appointment with {{1}} is on {{2}}." }),
          template(clinic, 2, { elementName: "feedback_request", category: "MARKETING", templateType: "TEXT", status: "PENDING", data: "How was your visit, {{1}}?" }),
        ],
        { wallet: { currency: "USD", currentBalance: 7.25, overDraftLimit: 0 } },
      ),
      [SEED_APP_IDS.other]: app(SEED_APP_IDS.other, 1002, "OtherPartnerApp", "919000000003", [
        template(SEED_APP_IDS.other, 1, { elementName: "other_secret_template", category: "UTILITY", templateType: "TEXT", status: "APPROVED", data: "Private to another partner." }),
      ]),
    },
  };
}
