import { ROLES, type Role } from "~/domain/permissions";
import type { TestServer } from "./server";
import { fillPattern, retryBusy, withServerDb, type ManifestRoute } from "./server-tools";

/**
 * The route table: every route of the Remix manifest with the expected answer for each role and
 * for anonymous visitors (GET and POST), and how to fill its URL parameters from the demo data.
 *
 * Shared by the authorization test (tests/integration/route-authorization.test.ts, which fails
 * when a route of the manifest has no entry) and the accessibility check
 * (tests/e2e/accessibility.test.ts, which visits every page a role can open): a new route is
 * covered by both as soon as it has its entry here.
 */

export type Principal = Role | "anonymous";
export const PRINCIPALS: Principal[] = ["anonymous", ...ROLES];
export const STAFF: Role[] = ["admin", "procurement", "case_manager", "finance", "auditor"];

/**
 * Expected answer. "login": 302 to /login?redirectTo=<the requested path>. A redirect: 302 to
 * exactly that Location (string) or one matching the RegExp.
 */
export type Outcome = 200 | 400 | 401 | 403 | 404 | 405 | 409 | 415 | "login" | { redirect: string | RegExp };
export type Access = Record<Principal, Outcome>;

export interface Ids {
  providerB: number; // DEMO-B-0001, the organisation of vermittler@…
  providerT: number; // DEMO-T-0001, the organisation of traeger@…
  providerUserB: number; // the user id of vermittler@…
  documentB: number; // a data sheet of DEMO-B-0001
  mail: number; // an outbox message
  tender: number; // the published demo BaE tender
  offerT: number; // the demo offer of DEMO-T-0001 to that tender
  agreementB: number; // the current placement agreement of DEMO-B-0001
  client: number; // a demo client
  claimB: number; // a placement claim of DEMO-B-0001
  claimOther: number; // a placement claim of another broker
  tenderOpened: number; // a demo tender opened and under evaluation
  paymentItem: number; // a demo payment item (a certified broker instalment)
  budgetLine: number; // the demo budget line 1.4820.7690
  invoiceB: number; // an invoice of DEMO-B-0001 (a KoSIT suite file, rejected at intake: other seller and Leitweg-ID)
  paymentRun: number; // a payment run built for the test (status created, with its file)
  bankStatement: number; // a camt.053 imported for the test (one open line)
  measureT: number; // an active catalogue entry of DEMO-T-0001 (issue 11)
  purchaseT: number; // a place purchase of DEMO-T-0001 in state "ordered"
  purchaseRunningT: number; // a running place purchase of DEMO-T-0001
  purchaseOther: number; // a place purchase of another provider (ordered or later)
  billT: number; // a proposed monthly bill of DEMO-T-0001
}

export interface Rule {
  /** Values for the pattern's parameters (`:id`, `*`). */
  params?: Record<string, string | number>;
  /** Authenticate with the role's API bearer token instead of the session cookie. */
  api?: boolean;
  /** Expected Content-Type (prefix) of a 200 answer to GET. */
  type?: string;
  get: Access;
  /** POST with an empty form body. Required when the route has an action; otherwise 405 for all. */
  post?: Access;
  /** POST with a session of its own (the request ends the session). */
  freshSessionForPost?: boolean;
  /** The layout route: no URL of its own, its loader runs with every page. */
  layout?: true;
  /**
   * Browser checks (accessibility): a page whose GET is not a 200 HTML answer with `params`
   * for anyone is visited with these params by these roles instead (it must still render HTML).
   */
  page?: { params?: Record<string, string | number>; roles: Role[]; status?: number };
}

export function all(outcome: Outcome): Access {
  return Object.fromEntries(PRINCIPALS.map((p) => [p, outcome])) as Access;
}

/** Roles in `allowed` get `ok`, the other roles 403, anonymous visitors the login redirect. */
export function permitted(allowed: Role[], opts: { ok?: Outcome; denied?: Outcome; anonymous?: Outcome } = {}): Access {
  const result = { anonymous: opts.anonymous ?? "login" } as Access;
  for (const r of ROLES) result[r] = allowed.includes(r) ? (opts.ok ?? 200) : (opts.denied ?? 403);
  return result;
}

export const HTML = "text/html";
export const JSON_TYPE = "application/json";

export function routeTable(ids: Ids): Record<string, Rule> {
  const home = { ...all({ redirect: "/" }), anonymous: 200, provider: { redirect: "/portal" } } as Access;
  return {
    root: { layout: true, get: all(200) },
    "routes/_index": { type: HTML, get: { ...permitted(STAFF), provider: { redirect: "/portal" } } },
    "routes/login": {
      type: HTML,
      get: home,
      // Empty form: 400 for visitors; a signed-in user is sent home by the loader.
      post: { ...home, anonymous: 400 },
    },
    "routes/logout": { get: all({ redirect: "/" }), post: all({ redirect: "/login" }), freshSessionForPost: true },
    "routes/healthz": { type: JSON_TYPE, get: all(200) },
    "routes/account.password": { type: HTML, get: permitted([...ROLES]), post: permitted([...ROLES], { ok: 400 }) },

    "routes/admin.users._index": { type: HTML, get: permitted(["admin"]) },
    "routes/admin.users.new": { type: HTML, get: permitted(["admin"]), post: permitted(["admin"], { ok: 400 }) },
    "routes/admin.users.$id": { params: { id: ids.providerUserB }, type: HTML, get: permitted(["admin"]), post: permitted(["admin"], { ok: 400 }) },
    "routes/admin.mail._index": { type: HTML, get: permitted(["admin"]), post: permitted(["admin"], { ok: 404 }) },
    "routes/admin.mail.$id[.eml]": { params: { id: ids.mail }, type: "message/rfc822", get: permitted(["admin"]) },
    // Without an intent: 400 "Unbekannte Aktion" after the permission check.
    "routes/admin.tokens": { type: HTML, get: permitted(["admin"]), post: permitted(["admin"], { ok: 400 }) },
    "routes/admin.settings": { type: HTML, get: permitted(["admin"]), post: permitted(["admin"], { ok: { redirect: "/admin/settings" } }) },
    "routes/audit._index": { type: HTML, get: permitted(["admin", "auditor"]) },

    "routes/portal._index": { type: HTML, get: permitted(["provider"]), post: permitted(["provider"], { ok: 400 }) },
    // The demo provider user administers the organisation's tokens: an empty form is a 400 (no name).
    "routes/portal.tokens": { type: HTML, get: permitted(["provider"]), post: permitted(["provider"], { ok: 400 }) },

    "routes/providers._index": { type: HTML, get: permitted(STAFF) },
    "routes/providers.new": { type: HTML, get: permitted(["admin", "procurement"]), post: permitted(["admin", "procurement"], { ok: 400 }) },
    "routes/providers.import": { type: HTML, get: permitted(["admin", "procurement"]), post: permitted(["admin", "procurement"], { ok: 400 }) },
    "routes/providers.requests": { type: HTML, get: permitted(["admin", "procurement", "finance"]), post: permitted(["admin", "procurement", "finance"], { ok: 404 }) },
    "routes/providers.export[.csv]": { type: "text/csv", get: permitted(["admin", "procurement", "finance", "auditor"]) },
    "routes/providers.$id._index": { params: { id: ids.providerB }, type: HTML, get: permitted(STAFF), post: permitted(["admin", "procurement"], { ok: 400 }) },
    "routes/providers.$id.edit": { params: { id: ids.providerB }, type: HTML, get: permitted(["admin", "procurement"]), post: permitted(["admin", "procurement"], { ok: 400 }) },
    "routes/providers.$id.datasheet": {
      params: { id: ids.providerB },
      // GET only leads back to the provider page (which then checks access itself).
      get: all({ redirect: `/providers/${ids.providerB}` }),
      // POST generates a data sheet: staff for any provider, a provider user for its own.
      post: permitted([...ROLES], { ok: { redirect: /^\/documents\/\d+$/ } }),
    },
    "routes/documents.$id": { params: { id: ids.documentB }, type: "application/pdf", get: permitted([...ROLES]) },

    // The API is read-only: POST is 405 for everyone (whether or not the route exports an action).
    "routes/tenders._index": { type: HTML, get: permitted(STAFF) },
    "routes/tenders.new": { type: HTML, get: permitted(["procurement"]), post: permitted(["procurement"], { ok: 400 }) },
    // Without an intent the action answers 400 "Unbekannte Aktion" to procurement; others lack the permission.
    "routes/tenders.$id._index": { params: { id: ids.tender }, type: HTML, get: permitted(STAFF), post: permitted(["procurement"], { ok: 400 }) },
    // The demo tender is not opened yet: the evaluation page answers 409 to procurement (sealed until opened).
    "routes/tenders.$id.evaluation": {
      params: { id: ids.tender },
      get: permitted(["procurement"], { ok: 409 }),
      post: permitted(["procurement"], { ok: 400 }),
      page: { params: { id: ids.tenderOpened }, roles: ["procurement"] },
    },
    // An offer's concept: for evaluators after the opening only; the demo tender is still sealed (403 for procurement too).
    "routes/tenders.$id.offers.$offerId.concept": { params: { id: ids.tender, offerId: ids.offerT }, get: permitted(["procurement"], { ok: 403 }) },
    // POST with an empty form: procurement is sent back to the tender page with a message.
    "routes/tenders.$id.attachments": { params: { id: ids.tender }, get: permitted(["procurement"], { ok: { redirect: `/tenders/${ids.tender}` } }), post: permitted(["procurement"], { ok: { redirect: `/tenders/${ids.tender}` } }) },
    "routes/tenders.$id.record": {
      params: { id: ids.tender },
      get: permitted(STAFF, { ok: { redirect: `/tenders/${ids.tender}` } }),
      post: permitted(STAFF, { ok: { redirect: /^\/documents\/\d+$/ } }),
    },
    "routes/portal.tenders._index": { type: HTML, get: permitted(["provider"]) },
    "routes/portal.tenders.$id": { params: { id: ids.tender }, type: HTML, get: permitted(["provider"]), post: permitted(["provider"], { ok: 400 }) },
    "routes/portal.tenders.$id.document": { params: { id: ids.tender }, get: permitted(["provider"], { ok: { redirect: /^\/documents\/\d+$/ } }) },
    // The demo offer belongs to another provider: the provider user (DEMO-B-0001) gets 404.
    "routes/offers.$id.receipt": { params: { id: ids.offerT }, get: permitted(["provider"], { ok: 404 }) },
    "routes/portal.contracts": { type: HTML, get: permitted(["provider"]) },

    "routes/api.v1.me": { api: true, type: JSON_TYPE, get: { ...permitted(["provider"]), anonymous: 401 }, post: all(405) },
    "routes/api.v1.provider": { api: true, type: JSON_TYPE, get: { ...permitted(["provider"]), anonymous: 401 }, post: all(405) },
    "routes/api.v1.events": { api: true, type: JSON_TYPE, get: { ...permitted(["provider"]), anonymous: 401 }, post: all(405) },
    "routes/api.v1.openapi[.json]": { api: true, type: JSON_TYPE, get: all(200), post: all(405) },
    "routes/$": { params: { "*": "gibt-es-nicht" }, get: all(404), page: { roles: ["procurement", "provider"], status: 404 } },
    "routes/api.v1.tenders._index": { api: true, type: JSON_TYPE, get: { ...permitted(["provider"]), anonymous: 401 }, post: all(405) },
    "routes/api.v1.tenders.$id._index": { api: true, params: { id: ids.tender }, type: JSON_TYPE, get: { ...permitted(["provider"]), anonymous: 401 }, post: all(405) },
    // POST with an empty form body: the provider gets 415 (JSON or multipart expected).
    "routes/api.v1.tenders.$id.offers": { api: true, params: { id: ids.tender }, type: JSON_TYPE, get: { ...permitted(["provider"]), anonymous: 401 }, post: { ...permitted(["provider"], { ok: 415 }), anonymous: 401 } },
    // GET shows an own offer (the demo offer belongs to another organisation: 404); POST is 405, withdrawal is DELETE.
    "routes/api.v1.offers.$id": { api: true, params: { id: ids.offerT }, get: { ...permitted(["provider"], { ok: 404 }), anonymous: 401 }, post: all(405) },
    // The broker line (issue 4). Pages with several actions answer an empty POST with 400 "Unbekannte Aktion" after the permission check.
    "routes/agreements._index": { type: HTML, get: permitted(STAFF), post: permitted(["procurement"], { ok: 400 }) },
    "routes/agreements.export[.csv]": { type: "text/csv", get: permitted(STAFF) },
    "routes/agreements.offer": { type: HTML, get: permitted(["procurement"]), post: permitted(["procurement"], { ok: 400 }) },
    "routes/agreements.$id": { params: { id: ids.agreementB }, type: HTML, get: permitted(STAFF), post: permitted(["procurement"], { ok: 400 }) },
    "routes/agreements.schedules": { type: HTML, get: permitted(STAFF), post: permitted(["procurement"], { ok: 400 }) },
    "routes/clients._index": { type: HTML, get: permitted(["case_manager"]) },
    "routes/clients.new": { type: HTML, get: permitted(["case_manager"]), post: permitted(["case_manager"], { ok: 400 }) },
    "routes/clients.$id": { params: { id: ids.client }, type: HTML, get: permitted(["case_manager"]), post: permitted(["case_manager"], { ok: 400 }) },
    "routes/placements._index": { type: HTML, get: permitted(STAFF), post: permitted(["procurement", "case_manager"], { ok: 400 }) },
    "routes/placements.export[.csv]": { type: "text/csv", get: permitted(STAFF) },
    "routes/placements.$id": { params: { id: ids.claimB }, type: HTML, get: permitted(STAFF), post: permitted(["procurement", "case_manager"], { ok: 400 }) },
    "routes/payables._index": { get: permitted(STAFF, { ok: { redirect: "/payments" } }) },
    "routes/payments._index": { type: HTML, get: permitted(STAFF), post: permitted(STAFF, { ok: 400 }) },
    "routes/payments.export[.csv]": { type: "text/csv", get: permitted(STAFF) },
    "routes/payments.$id": { params: { id: ids.paymentItem }, type: HTML, get: permitted(STAFF), post: permitted(STAFF, { ok: 400 }) },
    // Budget: everyone on the staff reads; an empty POST is a 400 (no line number / unknown intent) for admin and finance.
    "routes/finance.budget._index": { type: HTML, get: permitted(STAFF), post: permitted(["admin", "finance"], { ok: 400 }) },
    "routes/finance.budget.export[.csv]": { type: "text/csv", get: permitted(STAFF) },
    "routes/finance.budget.$lineId.$year": { params: { lineId: ids.budgetLine, year: 2026 }, type: HTML, get: permitted(STAFF), post: permitted(["admin", "finance"], { ok: 400 }) },
    "routes/finance.budget.$lineId.$year.export[.csv]": { params: { lineId: ids.budgetLine, year: 2026 }, type: "text/csv", get: permitted(STAFF) },
    // Ordering authorities: all staff read, only the admin grants (empty POST: 400 unknown intent).
    "routes/admin.authorities": { type: HTML, get: permitted(STAFF), post: permitted(["admin"], { ok: 400 }) },
    // Empty form: 400 (dates missing / unknown action / no file) after the permission check.
    "routes/finance.runs._index": { type: HTML, get: permitted(STAFF), post: permitted(["finance"], { ok: 400 }) },
    "routes/finance.runs.$id": { params: { id: ids.paymentRun }, type: HTML, get: permitted(STAFF), post: permitted(["finance"], { ok: 400 }) },
    "routes/finance.runs.$id.file[.xml]": { params: { id: ids.paymentRun }, type: "application/xml", get: permitted(STAFF) },
    "routes/finance.vop": { type: HTML, get: permitted(STAFF), post: permitted(["finance"], { ok: 400 }) },
    "routes/finance.statements._index": { type: HTML, get: permitted(STAFF), post: permitted(["finance"], { ok: 400 }) },
    "routes/finance.statements.$id": { params: { id: ids.bankStatement }, type: HTML, get: permitted(STAFF), post: permitted(["finance"], { ok: 400 }) },
    "routes/portal.agreements": { type: HTML, get: permitted(["provider"]), post: permitted(["provider"], { ok: 400 }) },
    "routes/portal.clients": { type: HTML, get: permitted(["provider"]) },
    "routes/portal.placements._index": { type: HTML, get: permitted(["provider"]) },
    "routes/portal.placements.new": { type: HTML, get: permitted(["provider"]), post: permitted(["provider"], { ok: 400 }) },
    "routes/portal.placements.$id": { params: { id: ids.claimB }, type: HTML, get: permitted(["provider"]), post: permitted(["provider"], { ok: 400 }) },
    "routes/api.v1.assignments": { api: true, type: JSON_TYPE, get: { ...permitted(["provider"]), anonymous: 401 }, post: all(405) },
    // POST with an empty form body: 415 (JSON or multipart expected).
    "routes/api.v1.placements._index": { api: true, type: JSON_TYPE, get: { ...permitted(["provider"]), anonymous: 401 }, post: { ...permitted(["provider"], { ok: 415 }), anonymous: 401 } },
    "routes/api.v1.placements.$id": { api: true, params: { id: ids.claimB }, type: JSON_TYPE, get: { ...permitted(["provider"]), anonymous: 401 }, post: all(405) },
    // The submitted demo claim has no instalments yet: 404; POST with a form body: 415 (multipart expected).
    "routes/api.v1.placements.$id.instalments.$number": {
      api: true,
      params: { id: ids.claimB, number: 1 },
      get: { ...permitted(["provider"], { ok: 404 }), anonymous: 401 },
      post: { ...permitted(["provider"], { ok: 415 }), anonymous: 401 },
    },
    // Invoice intake (issue 10). The detail page's POST chooses a contract: 400 without one for those who may, 403 for the others.
    "routes/invoices._index": { type: HTML, get: permitted(STAFF) },
    "routes/invoices.export[.csv]": { type: "text/csv", get: permitted(STAFF) },
    "routes/invoices.new": { type: HTML, get: permitted(["finance"]), post: permitted(["finance"], { ok: 400 }) },
    "routes/invoices.$id": { params: { id: ids.invoiceB }, type: HTML, get: permitted(STAFF), post: permitted(["procurement", "case_manager", "finance"], { ok: 400 }) },
    // The view PDF: staff, and the provider whose invoice it is (DEMO-B-0001).
    "routes/invoices.$id.view[.pdf]": { params: { id: ids.invoiceB }, type: "application/pdf", get: permitted([...ROLES]) },
    "routes/portal.invoices._index": { type: HTML, get: permitted(["provider"]) },
    "routes/portal.invoices.new": { type: HTML, get: permitted(["provider"]), post: permitted(["provider"], { ok: 400 }) },
    "routes/portal.invoices.$id": { params: { id: ids.invoiceB }, type: HTML, get: permitted(["provider"]) },
    // POST with an empty form body: 415 (XML, PDF or multipart expected).
    "routes/api.v1.invoices._index": { api: true, type: JSON_TYPE, get: { ...permitted(["provider"]), anonymous: 401 }, post: { ...permitted(["provider"], { ok: 415 }), anonymous: 401 } },
    "routes/api.v1.invoices.$id": { api: true, params: { id: ids.invoiceB }, type: JSON_TYPE, get: { ...permitted(["provider"]), anonymous: 401 }, post: all(405) },
    "routes/tenders.$id.ocds[.json]": { params: { id: ids.tender }, type: JSON_TYPE, get: permitted(STAFF) },
    // Measure catalogue (issue 11). Empty POSTs: 400 (unknown intent / missing fields) for procurement.
    "routes/measures._index": { type: HTML, get: permitted(STAFF) },
    "routes/measures.export[.csv]": { type: "text/csv", get: permitted(STAFF) },
    "routes/measures.new": { type: HTML, get: permitted(["procurement"]), post: permitted(["procurement"], { ok: 400 }) },
    "routes/measures.$id._index": { params: { id: ids.measureT }, type: HTML, get: permitted(STAFF), post: permitted(["procurement"], { ok: 400 }) },
    "routes/measures.$id.edit": { params: { id: ids.measureT }, type: HTML, get: permitted(["procurement"]), post: permitted(["procurement"], { ok: 400 }) },
    "routes/portal.measures._index": { type: HTML, get: permitted(["provider"]) },
    // The provider principal is a broker (vermittler@): brokers propose no measures (403).
    "routes/portal.measures.new": { type: HTML, get: permitted(["provider"], { ok: 403 }), post: permitted(["provider"], { ok: 403 }), page: { roles: ["provider"], status: 403 } },
    // ids.measureT belongs to DEMO-T-0001, not to the broker: 404.
    "routes/portal.measures.$id": { params: { id: ids.measureT }, type: HTML, get: permitted(["provider"], { ok: 404 }), page: { roles: ["provider"], status: 404 } },
    "routes/api.v1.measures._index": { api: true, type: JSON_TYPE, get: { ...permitted(["provider"]), anonymous: 401 }, post: { ...permitted(["provider"], { ok: 415 }), anonymous: 401 } },
    "routes/api.v1.measures.$id": { api: true, params: { id: ids.measureT }, get: { ...permitted(["provider"], { ok: 404 }), anonymous: 401 }, post: all(405) },
    // Participation (issue 11, point 6). The route table's provider user (DEMO-B-0001) reports on DEMO-T-0001's purchase: 404.
    "routes/portal.purchases.$id.report": {
      params: { id: ids.purchaseRunningT },
      type: HTML,
      get: permitted(["provider"]),
      post: permitted(["provider"], { ok: 404 }),
    },
    // Staff report for the provider or the employer: an empty form is 400 "Unbekannte Aktion" for the case manager.
    "routes/purchases.$id.report": {
      params: { id: ids.purchaseRunningT },
      type: HTML,
      get: permitted(["case_manager"]),
      post: permitted(["case_manager"], { ok: 400 }),
    },
    // The running purchase has no exit yet: recording an outcome is a 409 (form message).
    "routes/purchases.$id.outcome": {
      params: { id: ids.purchaseRunningT },
      type: HTML,
      get: permitted(["case_manager"]),
      post: permitted(["case_manager"], { ok: 409 }),
    },
    "routes/outcomes._index": { type: HTML, get: permitted(["case_manager"]) },
    "routes/outcomes.export[.csv]": { type: "text/csv", get: permitted(["case_manager"]) },
    // POST-only API; an empty form body is 415 (JSON expected); GET is 405 for everyone.
    "routes/api.v1.purchases.$id.entry": { api: true, params: { id: ids.purchaseT }, get: all(405), post: { ...permitted(["provider"], { ok: 415 }), anonymous: 401 } },
    "routes/api.v1.purchases.$id.exams": { api: true, params: { id: ids.purchaseRunningT }, get: all(405), post: { ...permitted(["provider"], { ok: 415 }), anonymous: 401 } },
    "routes/api.v1.purchases.$id.exit": { api: true, params: { id: ids.purchaseRunningT }, get: all(405), post: { ...permitted(["provider"], { ok: 415 }), anonymous: 401 } },
    // GET: DEMO-T-0001's purchase is not the route table provider's (404).
    "routes/api.v1.purchases.$id.attendance": { api: true, params: { id: ids.purchaseRunningT }, get: { ...permitted(["provider"], { ok: 404 }), anonymous: 401 }, post: { ...permitted(["provider"], { ok: 415 }), anonymous: 401 } },
    // Bills of places (issue 11, point 8). The demo bill belongs to DEMO-T-0001, the table's provider is DEMO-B-0001: 404.
    // Portal list POST with an empty form: 400 (no bill chosen); the detail's POST: 404 before anything happens.
    "routes/bills._index": { type: HTML, get: permitted(STAFF) },
    "routes/bills.export[.csv]": { type: "text/csv", get: permitted(STAFF) },
    "routes/portal.bills._index": { type: HTML, get: permitted(["provider"]), post: permitted(["provider"], { ok: 400 }) },
    "routes/portal.bills.$id": { params: { id: ids.billT }, type: HTML, get: permitted(["provider"], { ok: 404 }), post: permitted(["provider"], { ok: 404 }), page: { roles: ["provider"], status: 404 } },
    "routes/api.v1.bills._index": { api: true, type: JSON_TYPE, get: { ...permitted(["provider"]), anonymous: 401 }, post: all(405) },
    "routes/api.v1.bills.$id._index": { api: true, params: { id: ids.billT }, type: JSON_TYPE, get: { ...permitted(["provider"], { ok: 404 }), anonymous: 401 }, post: all(405) },
    "routes/api.v1.bills.$id.confirm": { api: true, params: { id: ids.billT }, get: all(405), post: { ...permitted(["provider"], { ok: 404 }), anonymous: 401 } },
    // Place purchases (issue 11): the demo's ordered purchase of DEMO-T-0001; the provider role (DEMO-B-0001) gets 404 for it.
    "routes/purchases._index": { type: HTML, get: permitted(STAFF) },
    "routes/purchases.export[.csv]": { type: "text/csv", get: permitted(STAFF) },
    // Without an intent: 400 "Unbekannte Aktion" after the permission check.
    "routes/purchases.new": { type: HTML, get: permitted(["case_manager"]), post: permitted(["case_manager"], { ok: 400 }) },
    "routes/purchases.$id._index": { params: { id: ids.purchaseT }, type: HTML, get: permitted(STAFF), post: permitted(["case_manager"], { ok: 400 }) },
    "routes/purchases.$id.order[.pdf]": { params: { id: ids.purchaseT }, get: { ...permitted(STAFF, { ok: { redirect: /^\/documents\/\d+$/ } }), provider: 404 } },
    "routes/portal.purchases._index": { type: HTML, get: permitted(["provider"]) },
    "routes/portal.purchases.$id._index": { params: { id: ids.purchaseT }, get: permitted(["provider"], { ok: 404 }), post: permitted(["provider"], { ok: 404 }), page: { roles: ["provider"], status: 404 } },
    "routes/api.v1.purchases._index": { api: true, type: JSON_TYPE, get: { ...permitted(["provider"]), anonymous: 401 }, post: all(405) },
    "routes/api.v1.purchases.$id._index": { api: true, params: { id: ids.purchaseT }, get: { ...permitted(["provider"], { ok: 404 }), anonymous: 401 }, post: all(405) },
    "routes/api.v1.purchases.$id.confirm": { api: true, params: { id: ids.purchaseT }, get: all(405), post: { ...permitted(["provider"], { ok: 404 }), anonymous: 401 } },
    "routes/api.v1.purchases.$id.decline": { api: true, params: { id: ids.purchaseT }, get: all(405), post: { ...permitted(["provider"], { ok: 415 }), anonymous: 401 } },
    "routes/api.$": { api: true, params: { "*": "v1/nope" }, get: all(404), post: all(404) },

    // Individual places (issue 11), the report "Maßnahmen im Jahr": all staff read it (read:place:any).
    "routes/reports.measures": { type: HTML, get: permitted(STAFF) },
    "routes/reports.measures.export[.csv]": { type: "text/csv", get: permitted(STAFF) },

    // Provider comparison (issue 12): the permission read:comparison:any AND the admin's grant
    // (users.comparisonAccess; the demo grants vergabe@, fallmanagement@ and pruefung@, not admin@).
    "routes/comparison._index": { type: HTML, get: permitted(["procurement", "case_manager", "auditor"]) },
    // Provider comparison leaves the page (issue 12): the staff's files need read:comparison:any AND the
    // admin's grant (the demo grants vergabe@, fallmanagement@, pruefung@; not admin@ or kasse@).
    "routes/comparison.export[.csv]": { type: "text/csv", get: permitted(["procurement", "case_manager", "auditor"]) },
    "routes/comparison.report[.pdf]": { type: "application/pdf", get: permitted(["procurement", "case_manager", "auditor"]) },
    // The provider's own figures: the demo broker sees its broker measures.
    "routes/portal.outcomes": { type: HTML, get: permitted(["provider"]) },
    "routes/api.v1.provider_.outcomes": { api: true, type: JSON_TYPE, get: { ...permitted(["provider"]), anonymous: 401 }, post: all(405) },
  };
}

export const EMAILS: Record<Role, string> = {
  admin: "admin@asz-kamenz.example",
  procurement: "vergabe@asz-kamenz.example",
  case_manager: "fallmanagement@asz-kamenz.example",
  finance: "kasse@asz-kamenz.example",
  auditor: "pruefung@asz-kamenz.example",
  provider: "vermittler@jobbruecke-kamenz.example",
};
export const OTHER_PROVIDER_EMAIL = "traeger@bildungswerk-lausitz.example";

/** Ids for the table's structure checks (no server needed). */
export const DUMMY_IDS: Ids = { providerB: 1, providerT: 2, providerUserB: 1, documentB: 1, mail: 1, tender: 1, offerT: 1, agreementB: 1, client: 1, claimB: 1, claimOther: 2, tenderOpened: 3, paymentItem: 1, budgetLine: 1, invoiceB: 1, paymentRun: 1, bankStatement: 1, measureT: 1, purchaseT: 1, purchaseRunningT: 2, purchaseOther: 3, billT: 1 };

/**
 * The ids of the demo data on a running server (startServer() seeds it). Creates a data sheet
 * of DEMO-B-0001 (POST as procurement) and puts one message into the mail outbox.
 */
export async function loadIds(server: TestServer, procurementCookie: string): Promise<Ids> {
  const users = await withServerDb(server, async () => {
    const { em } = await import("./db");
    const { User } = await import("../../entities");
    const repo = (await em()).getRepository(User);
    const [b, t] = await Promise.all([repo.findOneByOrFail({ email: EMAILS.provider }), repo.findOneByOrFail({ email: OTHER_PROVIDER_EMAIL })]);
    return { providerB: b.providerId!, providerT: t.providerId!, providerUserB: b.id };
  });

  const datasheet = await fetch(`${server.baseUrl}/providers/${users.providerB}/datasheet`, {
    method: "POST",
    headers: { Cookie: procurementCookie, Origin: server.baseUrl, "Content-Type": "application/x-www-form-urlencoded" },
    body: "",
    redirect: "manual",
  });
  await datasheet.arrayBuffer();
  const documentMatch = /^\/documents\/(\d+)$/.exec(datasheet.headers.get("location") ?? "");
  if (datasheet.status !== 302 || !documentMatch) throw new Error(`Datenblatt: erwartet Weiterleitung auf /documents/<id>, erhalten ${datasheet.status}`);

  const rest = await withServerDb(server, async () => {
    const { tx } = await import("~/lib/db.server");
    const { em } = await import("./db");
    const { enqueueMail } = await import("~/lib/mailer.server");
    const { BudgetLine, Offer, PaymentItem, PlacementAgreement, PlacementClaim, Tender } = await import("../../entities");
    const { Not } = await import("typeorm");
    // The outbox starts empty (no screen sends mail yet): put one message in it.
    const mail = await retryBusy(() => tx((m) => enqueueMail(m, { to: "pruefung@example.org", subject: "Testnachricht Berechtigungen", text: "Hallo" })));
    const m = await em();
    const published = await m.getRepository(Tender).findOneOrFail({ where: { status: "published" } });
    const opened = await m.getRepository(Tender).findOneOrFail({ where: { status: "opened" } });
    const offer = await m.getRepository(Offer).findOneOrFail({ where: { tenderId: published.id, providerId: users.providerT } });
    const agreement = await m.getRepository(PlacementAgreement).findOneOrFail({ where: { providerId: users.providerB, status: "active" } });
    const claimB = await m.getRepository(PlacementClaim).findOneOrFail({ where: { providerId: users.providerB, status: "submitted" } });
    const claimOther = await m.getRepository(PlacementClaim).findOneOrFail({ where: { providerId: Not(users.providerB), status: "submitted" } });
    const paymentItem = await m.getRepository(PaymentItem).findOneOrFail({ where: { status: "awaiting_arithmetic" }, order: { id: "ASC" } });
    const budgetLine = await m.getRepository(BudgetLine).findOneOrFail({ where: { number: "1.4820.7690" } });
    // An invoice of DEMO-B-0001 (issue 10): a KoSIT suite file, stored as rejected (its seller and Leitweg-ID are not the demo's).
    const { receiveInvoice } = await import("~/services/invoices.server");
    const { User } = await import("../../entities");
    const { read, UBL_0101 } = await import("../unit/einvoice-suite");
    const brokerUser = await m.getRepository(User).findOneByOrFail({ id: users.providerUserB });
    const invoice = await retryBusy(() =>
      receiveInvoice({ id: brokerUser.id, email: brokerUser.email, name: brokerUser.name, role: "provider", providerId: users.providerB }, { bytes: new TextEncoder().encode(read(UBL_0101)), filename: "rechnung.xml", channel: "portal" }),
    );
    // Individual places (issue 11): the demo's current purchases of DEMO-T-0001 and of another provider.
    const { Measure, PlaceBill, PlacePurchase } = await import("../../entities");
    const { In } = await import("typeorm");
    const measureT = await m.getRepository(Measure).findOneOrFail({ where: { providerId: users.providerT, status: "active" }, order: { id: "ASC" } });
    const purchaseT = await m.getRepository(PlacePurchase).findOneOrFail({ where: { providerId: users.providerT, status: "ordered" }, order: { id: "ASC" } });
    const purchaseRunningT = await m.getRepository(PlacePurchase).findOneOrFail({ where: { providerId: users.providerT, status: "running" }, order: { id: "ASC" } });
    const purchaseOther = await m.getRepository(PlacePurchase).findOneOrFail({ where: { providerId: Not(users.providerT), status: In(["ordered", "confirmed", "running"]) }, order: { id: "ASC" } });
    const billT = await m.getRepository(PlaceBill).findOneOrFail({ where: { providerId: users.providerT, status: "proposed" }, order: { id: "ASC" } });
    return { mail: mail.id, tender: published.id, tenderOpened: opened.id, offerT: offer.id, agreementB: agreement.id, client: claimB.clientId, claimB: claimB.id, claimOther: claimOther.id, paymentItem: paymentItem.id, budgetLine: budgetLine.id, invoiceB: invoice.id, measureT: measureT.id, purchaseT: purchaseT.id, purchaseRunningT: purchaseRunningT.id, purchaseOther: purchaseOther.id, billT: billT.id };
  });
  const finance = await withServerDb(server, async () => {
    const { em } = await import("./db");
    const { User } = await import("../../entities");
    const { today } = await import("~/lib/clock.server");
    const { createRun, importBankStatement, nextBankDay } = await import("~/services/payment-runs.server");
    const { buildCamt053 } = await import("~/demo/camt-fixture");
    const { insertItems, itemRow } = await import("../support/payment-fixtures");
    const m = await em();
    const u = await m.getRepository(User).findOneByOrFail({ email: EMAILS.finance });
    const kasse = { id: u.id, email: u.email, name: u.name, role: "finance" as const, providerId: null };
    // One ordered item with a VoP result becomes a run of its own; a statement with one unknown line stays open.
    await retryBusy(() => insertItems(m, [itemRow({ reference: "ZA-2099-RT0001", dueOn: today() })]));
    const run = await retryBusy(() => createRun(kasse, { dueUntil: today(), executionDate: nextBankDay(today()) }));
    const xml = buildCamt053({
      messageId: "RT-STMT-1",
      createdAt: new Date().toISOString(),
      account: { iban: "DE02120300000000202051", name: "Auszahlungskonto" },
      bookingDate: today(),
      entries: [{ endToEndId: "VT-RT-UNBEKANNT", amountCents: 1234, creditDebit: "DBIT", counterpartyName: "Unbekannt", counterpartyIban: "DE89370400440532013000", remittance: "Test" }],
    });
    const statement = await retryBusy(() => importBankStatement(kasse, { filename: "auszug.xml", bytes: new TextEncoder().encode(xml) }));
    return { paymentRun: run.run.id, bankStatement: statement.id };
  });
  return { ...users, documentB: Number(documentMatch[1]), ...rest, ...finance };
}

/** A page a browser check visits: who, where, and the status the page answers with. */
export interface BrowserPage {
  routeId: string;
  who: Principal;
  url: string;
  status: number;
}

/**
 * Every page (a route with a component) that a principal can open, from the table: each 200 HTML
 * answer to GET, plus the visits a rule names in `page`. Grouped by principal in PRINCIPALS order.
 */
export function browserPages(table: Record<string, Rule>, manifest: ManifestRoute[]): BrowserPage[] {
  const pages: BrowserPage[] = [];
  for (const who of PRINCIPALS) {
    for (const route of manifest) {
      const rule = table[route.id];
      if (!rule || rule.layout || !route.hasComponent || rule.api) continue;
      if (rule.get[who] === 200 && rule.type === HTML) pages.push({ routeId: route.id, who, url: fillPattern(route.pattern, rule.params ?? {}), status: 200 });
      if (rule.page && who !== "anonymous" && rule.page.roles.includes(who)) {
        pages.push({ routeId: route.id, who, url: fillPattern(route.pattern, rule.page.params ?? rule.params ?? {}), status: rule.page.status ?? 200 });
      }
    }
  }
  return pages;
}
