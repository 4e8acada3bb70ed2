import http from "node:http";
import { PDFDocument } from "pdf-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { berlinDate } from "~/domain/time";
import { openApiDocument } from "~/lib/openapi";
import { sharedApiContract } from "../setup/api-contract";
import { startServer, type TestServer } from "../setup/server";
import { createApiTokensInProcess, retryBusy, withServerDb } from "../setup/server-tools";
import { read as readSuite, UBL_0101 } from "../unit/einvoice-suite";

/**
 * The API as an integrator meets it: every operation of the OpenAPI document is called, with
 * its success and its refusals, and every answer is checked against the document with
 * additional properties forbidden (tests/setup/api-contract.ts does that for each fetch of the
 * integration suite). The last test asserts that no operation went uncalled. Runs against the
 * demo data of a fresh server: its published tenders, the demo broker's assignments and claims.
 */

const BROKER = "vermittler@jobbruecke-kamenz.example";
const TRAINER = "traeger@bildungswerk-lausitz.example";
const OTHER = "angebote@demo-b-0002.example";
const STAFF = "vergabe@asz-kamenz.example";

let server: TestServer;
let broker: string;
let trainer: string;
let other: string;
let staff: string;

type Json = Record<string, unknown>;

async function call(path: string, init: { token?: string; method?: string; body?: BodyInit; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.Authorization = `Bearer ${init.token}`;
  const res = await fetch(server.baseUrl + "/api/v1" + path, { method: init.method ?? "GET", headers, body: init.body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Json) : null };
}

const json = (value: unknown) => ({ body: JSON.stringify(value), headers: { "Content-Type": "application/json" } });

async function pdf(title: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(title);
  doc.addPage([595, 842]);
  return doc.save();
}

beforeAll(async () => {
  server = await startServer();
  [broker, trainer, other, staff] = await createApiTokensInProcess(server, [BROKER, TRAINER, OTHER, STAFF], "Vertragstest");
}, 180_000);

afterAll(async () => {
  await server?.stop();
});

describe("the document", () => {
  it("is served exactly as generated from the contract's schemas", async () => {
    const res = await fetch(`${server.baseUrl}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(JSON.parse(JSON.stringify(openApiDocument)));
  });

  it("types every lot id a client needs to submit an offer (no bare objects)", () => {
    const schemas = (openApiDocument.components?.schemas ?? {}) as Record<string, Json>;
    const tender = schemas.Tender as { properties: Json; required: string[] };
    expect(tender.required).toContain("lots");
    const lots = tender.properties.lots as { items: { $ref: string } };
    expect(lots.items.$ref).toBe("#/components/schemas/Lot");
    expect((schemas.Lot as { required: string[] }).required).toContain("id");
    // Every object schema lists its properties; none is a bare `object`.
    const bare: string[] = [];
    const walk = (node: unknown, where: string) => {
      if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${where}/${i}`));
      if (!node || typeof node !== "object") return;
      const n = node as Json;
      if (n.type === "object" && !n.properties && !n.additionalProperties) bare.push(where);
      for (const [k, v] of Object.entries(n)) walk(v, `${where}/${k}`);
    };
    walk(openApiDocument, "#");
    expect(bare).toEqual([]);
  });
});

describe("every operation", () => {
  let tenderId: number;
  let lots: { id: number; priceUnit: string }[];
  let offerId: number;

  it("getMe, getOwnProvider: 200 with a token, 401 without", async () => {
    expect((await call("/me", { token: trainer })).status).toBe(200);
    const provider = await call("/provider", { token: trainer });
    expect(provider.status).toBe(200);
    expect(provider.body).toMatchObject({ kind: "training" });
    const anonymous = await call("/me");
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toMatch(/^Bearer/);
    // Staff have no provider API.
    expect((await call("/provider", { token: staff })).status).toBe(403);
  });

  it("listTenders pages with page/pageSize/total/items and filters; an oversized page is 400", async () => {
    const page = await call("/tenders?pageSize=2", { token: trainer });
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ page: 1, pageSize: 2 });
    expect((page.body!.items as unknown[]).length).toBeLessThanOrEqual(2);
    const open = await call("/tenders?acceptsOffers=true&pageSize=100", { token: trainer });
    const items = open.body!.items as { id: number; acceptsOffers: boolean; status: string; statusLabel: string }[];
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((t) => t.acceptsOffers && t.status === "published" && t.statusLabel === "veröffentlicht")).toBe(true);
    tenderId = items[0].id;
    const past = await call(`/tenders?page=${(page.body!.pages as number) + 1}&pageSize=2`, { token: trainer });
    expect(past.body).toMatchObject({ items: [], page: (page.body!.pages as number) + 1 });
    // The documented maximum is a page; one more is refused.
    expect((await call("/tenders?pageSize=100", { token: trainer })).body).toMatchObject({ pageSize: 100 });
    for (const bad of ["pageSize=101", "pageSize=0", "page=0", "page=abc", "acceptsOffers=ja", "foo=bar", "page=1&page=2"]) {
      const res = await call(`/tenders?${bad}`, { token: trainer });
      expect(res.status, bad).toBe(400);
      expect(Object.keys(res.body!.errors as Json), bad).toEqual([bad.split("=")[0]]);
    }
  });

  it("getTender gives typed lots; an unknown tender is 404", async () => {
    const t = await call(`/tenders/${tenderId}`, { token: trainer });
    expect(t.status).toBe(200);
    lots = t.body!.lots as { id: number; priceUnit: string }[];
    expect(lots.length).toBeGreaterThan(0);
    expect(t.body).toMatchObject({ status: "published", statusLabel: "veröffentlicht", acceptsOffers: true });
    expect((await call("/tenders/99999999", { token: trainer })).status).toBe(404);
    expect((await call("/tenders/abc", { token: trainer })).status).toBe(404);
  });

  it("submitOffer as JSON (base64 concept) and as multipart; refusals keyed by the request's names", async () => {
    const offer = {
      lots: lots.map((l) => ({ lotId: l.id, unitPriceCents: 123456, successFeeCents: l.priceUnit === "participant_success" ? 50000 : null })),
      declarations: { eligible: true, noExclusionGrounds: true, certificateValid: true },
    };
    const concept = await pdf("Konzept");
    const first = await call(`/tenders/${tenderId}/offers`, { token: trainer, method: "POST", ...json({ ...offer, concept: { filename: "konzept.pdf", contentBase64: Buffer.from(concept).toString("base64") } }) });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.headers.get("location")).toBe(`/api/v1/offers/${first.body!.offerId}`);

    const form = new FormData();
    form.append("offer", JSON.stringify(offer));
    form.append("concept", new Blob([Buffer.from(concept)], { type: "application/pdf" }), "konzept.pdf");
    const second = await call(`/tenders/${tenderId}/offers`, { token: trainer, method: "POST", body: form });
    expect(second.status, JSON.stringify(second.body)).toBe(201);
    expect(second.body!.version).toBe((first.body!.version as number) + 1);
    offerId = second.body!.offerId as number;

    const unknownField = await call(`/tenders/${tenderId}/offers`, { token: trainer, method: "POST", ...json({ ...offer, price: 1 }) });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body!.errors).toEqual({ price: "Dieses Feld gibt es nicht." });
    // Base64 with a stray character is refused, not decoded around it; MIME line breaks are fine.
    const b64 = Buffer.from(concept).toString("base64");
    const stray = await call(`/tenders/${tenderId}/offers`, { token: trainer, method: "POST", ...json({ ...offer, concept: { filename: "k.pdf", contentBase64: `${b64.slice(0, 40)}*${b64.slice(40)}` } }) });
    expect(stray.status).toBe(400);
    expect(stray.body!.errors).toEqual({ "concept.contentBase64": "Kein gültiges Base64." });
    // The URL alphabet ("-", "_"), which Node's decoder would take, is not base64 either.
    expect(b64).toMatch(/[+/]/);
    const urlAlphabet = await call(`/tenders/${tenderId}/offers`, { token: trainer, method: "POST", ...json({ ...offer, concept: { filename: "k.pdf", contentBase64: b64.replace(/\+/g, "-").replace(/\//g, "_") } }) });
    expect(urlAlphabet.status).toBe(400);
    expect(urlAlphabet.body!.errors).toEqual({ "concept.contentBase64": "Kein gültiges Base64." });
    // A UTF-8 byte order mark before the JSON (as some Windows tools write it) is skipped.
    const bom = await call(`/tenders/${tenderId}/offers`, { token: trainer, method: "POST", body: `\ufeff${JSON.stringify({ ...offer, concept: { filename: "k.pdf", contentBase64: b64 } })}`, headers: { "Content-Type": "application/json" } });
    expect(bom.status, JSON.stringify(bom.body)).toBe(201);
    const mime = await call(`/tenders/${tenderId}/offers`, { token: trainer, method: "POST", ...json({ ...offer, concept: { filename: "k.pdf", contentBase64: b64.replace(/.{76}/g, "$&\r\n") } }) });
    expect(mime.status, JSON.stringify(mime.body)).toBe(201);
    offerId = mime.body!.offerId as number; // the newest version now counts
    const euro = await call(`/tenders/${tenderId}/offers`, { token: trainer, method: "POST", ...json({ ...offer, lots: [{ lotId: lots[0].id, unitPriceCents: "1.234,56" }] }) });
    expect(euro.status).toBe(400);
    expect(Object.keys(euro.body!.errors as Json)).toEqual(["lots.0.unitPriceCents"]);
    expect(JSON.stringify(euro.body)).not.toMatch(/Required|Expected/);
    const missing = new FormData();
    missing.append("concept", new Blob([Buffer.from(concept)], { type: "application/pdf" }), "konzept.pdf");
    const noOffer = await call(`/tenders/${tenderId}/offers`, { token: trainer, method: "POST", body: missing });
    expect(noOffer.status).toBe(400);
    expect(noOffer.body!.errors).toEqual({ offer: "Angabe fehlt." });
    // A part the operation does not have, or a part sent twice, is refused like an unknown field.
    const extra = new FormData();
    extra.append("offer", JSON.stringify(offer));
    extra.append("junk", "1");
    extra.append("concept", new Blob([Buffer.from(concept)], { type: "application/pdf" }), "konzept.pdf");
    extra.append("concept", new Blob([Buffer.from(concept)], { type: "application/pdf" }), "anderes.pdf");
    const refusedParts = await call(`/tenders/${tenderId}/offers`, { token: trainer, method: "POST", body: extra });
    expect(refusedParts.status).toBe(400);
    expect(refusedParts.body!.errors).toEqual({ junk: "Diesen Teil gibt es nicht.", concept: "Dieser Teil darf nur einmal vorkommen." });
    const badPart = new FormData();
    badPart.append("offer", JSON.stringify({ ...offer, declarations: { eligible: "ja" } }));
    const nested = await call(`/tenders/${tenderId}/offers`, { token: trainer, method: "POST", body: badPart });
    expect(nested.status).toBe(400);
    expect(Object.keys(nested.body!.errors as Json).sort()).toEqual(["offer.declarations.certificateValid", "offer.declarations.eligible", "offer.declarations.noExclusionGrounds"]);
    expect((await call(`/tenders/${tenderId}/offers`, { token: trainer, method: "POST", body: "x", headers: { "Content-Type": "text/plain" } })).status).toBe(415);
    // A multipart body without boundary is malformed (400), not "too large".
    const malformed = await call(`/tenders/${tenderId}/offers`, { token: trainer, method: "POST", body: "garbage", headers: { "Content-Type": "multipart/form-data" } });
    expect(malformed.status).toBe(400);
    expect(malformed.body!.detail).toMatch(/multipart/);
    expect((await call(`/tenders/99999999/offers`, { token: trainer, method: "POST", ...json(offer) })).status).toBe(404);
  });

  it("listOwnOffers pages; an unknown tender is 404, not an empty list", async () => {
    const list = await call(`/tenders/${tenderId}/offers`, { token: trainer });
    expect(list.status).toBe(200);
    const items = list.body!.items as { id: number; status: string; statusLabel: string }[];
    expect(items[0]).toMatchObject({ id: offerId, status: "submitted" });
    expect(items[1]).toMatchObject({ status: "replaced", statusLabel: "ersetzt" });
    expect(list.body!.total).toBeGreaterThanOrEqual(2);
    expect((await call(`/tenders/99999999/offers`, { token: trainer })).status).toBe(404);
  });

  it("getOwnOffer and withdrawOffer; other organisations get 404", async () => {
    expect((await call(`/offers/${offerId}`, { token: trainer })).body).toMatchObject({ id: offerId, tenderId, status: "submitted" });
    expect((await call(`/offers/${offerId}`, { token: other })).status).toBe(404);
    expect((await call(`/offers/${offerId}`, { token: other, method: "DELETE" })).status).toBe(404);
    const withdrawn = await call(`/offers/${offerId}`, { token: trainer, method: "DELETE" });
    expect(withdrawn.status).toBe(204);
    expect(withdrawn.body).toBeNull();
    expect((await call(`/offers/${offerId}`, { token: trainer })).body).toMatchObject({ status: "withdrawn", statusLabel: "zurückgezogen" });
    const again = await call(`/offers/${offerId}`, { token: trainer, method: "DELETE" });
    expect([404, 409]).toContain(again.status);
  });

  it("listOwnAssignments, listOwnPlacements, getOwnPlacement, getOwnInstalment on the demo broker's data", async () => {
    const assignments = await call("/assignments?pageSize=5", { token: broker });
    expect(assignments.status).toBe(200);
    expect(assignments.body).toMatchObject({ page: 1, pageSize: 5 });
    expect((await call("/assignments?status=irgendwas", { token: broker })).status).toBe(400);
    expect((await call("/assignments", { token: trainer })).status).toBe(403);

    const accepted = await call("/placements?status=accepted&pageSize=100", { token: broker });
    expect(accepted.status).toBe(200);
    const rows = accepted.body!.items as { id: number; status: string }[];
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.status === "accepted")).toBe(true);
    let instalmentPath: string | null = null;
    for (const row of rows) {
      const claim = await call(`/placements/${row.id}`, { token: broker });
      expect(claim.status).toBe(200);
      const instalments = claim.body!.instalments as { number: number }[];
      if (instalments.length) {
        instalmentPath = `/placements/${row.id}/instalments/${instalments[0].number}`;
        break;
      }
    }
    expect(instalmentPath).not.toBeNull();
    const instalment = await call(instalmentPath!, { token: broker });
    expect(instalment.status).toBe(200);
    expect(typeof instalment.body!.amountCents).toBe("number");
    expect((await call(instalmentPath!.replace(/\d+$/, "9"), { token: broker })).status).toBe(404);
    expect((await call(instalmentPath!, { token: other })).status).toBe(404);

    // proveOwnInstalment: the file part is named as in the request; wrong type is 415.
    const form = new FormData();
    form.append("confirmedUntil", "2020-01-01");
    form.append("uninterrupted", "true");
    const proof = await call(instalmentPath!, { token: broker, method: "POST", body: form });
    expect([400, 409]).toContain(proof.status);
    if (proof.status === 400) expect(Object.keys(proof.body!.errors as Json)).toContain("confirmation");
    const badDate = new FormData();
    badDate.append("confirmedUntil", "01.01.2020");
    badDate.append("uninterrupted", "ja");
    const refused = await call(instalmentPath!, { token: broker, method: "POST", body: badDate });
    expect(refused.status).toBe(400);
    expect(Object.keys(refused.body!.errors as Json).sort()).toEqual(["confirmedUntil", "uninterrupted"]);
    expect((await call(instalmentPath!, { token: broker, method: "POST", ...json({}) })).status).toBe(415);
  });

  it("proveOwnInstalment earns a due instalment of the demo data (200)", async () => {
    const today = berlinDate(new Date());
    let due: { claimId: number; number: number } | null = null;
    for (let page = 1; !due; page++) {
      const list = await call(`/placements?status=accepted&pageSize=100&page=${page}`, { token: broker });
      for (const row of list.body!.items as { id: number }[]) {
        const claim = await call(`/placements/${row.id}`, { token: broker });
        const i = (claim.body!.instalments as { number: number; status: string; earliestOn: string; deadlineOn: string }[]).find((x) => x.status === "due" && x.earliestOn <= today && x.deadlineOn >= today);
        if (i) {
          due = { claimId: row.id, number: i.number };
          break;
        }
      }
      if (page >= (list.body!.pages as number)) break;
    }
    expect(due, "eine fällige Rate in den Demodaten").not.toBeNull();
    const form = new FormData();
    form.append("confirmation", new Blob([Buffer.from(await pdf("Bestätigung"))], { type: "application/pdf" }), "bestaetigung.pdf");
    form.append("confirmedUntil", today);
    form.append("uninterrupted", "true");
    form.append("sameEmployer", "true");
    const res = await call(`/placements/${due!.claimId}/instalments/${due!.number}`, { token: broker, method: "POST", body: form });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ number: due!.number, confirmedUntil: today });
    expect(["earned", "payable"]).toContain(res.body!.status);
  });

  it("submitPlacement: 201 or 422 for a demo assignment, 400 for a euro amount, 415 for text", async () => {
    const assignments = await call("/assignments?pageSize=100", { token: broker });
    const active = (assignments.body!.items as { assignmentId: number; validFrom: string }[])[0];
    expect(active).toBeTruthy();
    const today = berlinDate(new Date());
    const contractDate = active.validFrom > today ? today : active.validFrom;
    const placement = {
      assignmentId: active.assignmentId,
      employerName: "Vertragstest GmbH",
      employerStreet: "Teststraße 1",
      employerPostalCode: "01917",
      employerCity: "Kamenz",
      contractDate: today,
      jobStart: today,
      weeklyHours: 38.5,
      insured: true,
      occupation: "Lagerist",
      brokerContractDate: contractDate,
    };
    const res = await call("/placements", { token: broker, method: "POST", ...json(placement) });
    expect([201, 422], JSON.stringify(res.body)).toContain(res.status);
    const location = res.headers.get("location")!;
    expect(location).toMatch(/^\/api\/v1\/placements\/\d+$/);
    expect((await call(location.slice("/api/v1".length), { token: broker })).status).toBe(200);
    // Idempotency-Key: the retry gets the first answer and files nothing; another body with the key is refused.
    const key = `vertragstest-${Date.now()}`;
    const withKey = { ...placement, employerName: "Wiederholung GmbH" };
    const once = await call("/placements", { token: broker, method: "POST", ...json(withKey), headers: { "Content-Type": "application/json", "Idempotency-Key": key } });
    const before = (await call("/placements?pageSize=1", { token: broker })).body!.total;
    const twice = await call("/placements", { token: broker, method: "POST", body: JSON.stringify(Object.fromEntries(Object.entries(withKey).reverse())), headers: { "Content-Type": "application/json", "Idempotency-Key": key } });
    expect(twice.status).toBe(once.status);
    expect(twice.body).toEqual(once.body);
    expect(twice.headers.get("idempotent-replayed")).toBe("true");
    expect(twice.headers.get("location")).toBe(once.headers.get("location"));
    expect((await call("/placements?pageSize=1", { token: broker })).body!.total).toBe(before);
    const other = await call("/placements", { token: broker, method: "POST", ...json({ ...withKey, weeklyHours: 20 }), headers: { "Content-Type": "application/json", "Idempotency-Key": key } });
    expect(other.status).toBe(422);
    expect(other.body!.claim).toBeUndefined();
    const euro = await call("/placements", { token: broker, method: "POST", ...json({ ...placement, claimedFee: "2.000,00" }) });
    expect(euro.status).toBe(400);
    expect(euro.body!.errors).toEqual({ claimedFee: "Dieses Feld gibt es nicht." });
    expect((await call("/placements", { token: broker, method: "POST", body: "x", headers: { "Content-Type": "text/plain" } })).status).toBe(415);
  });

  it("submitInvoice (201, 422 with the stored invoice, 409 duplicate, 415), listOwnInvoices, getOwnInvoice", async () => {
    // The KoSIT standard file's Leitweg-ID and seller VAT id become the demo's for this test.
    await withServerDb(server, async () => {
      const { tx } = await import("~/lib/db.server");
      const { Provider, Setting, User } = await import("../../entities");
      await retryBusy(() =>
        tx(async (m) => {
          const u = await m.getRepository(User).findOneByOrFail({ email: BROKER });
          await m.getRepository(Provider).update({ id: u.providerId! }, { vatId: "DE123456789" });
          await m.getRepository(Setting).save({ key: "finance.leitwegId", value: "04011000-12345-03", updatedAt: new Date().toISOString(), updatedById: null });
        }),
      );
    });
    const number = `API-${Date.now()}`;
    const xml = readSuite(UBL_0101).replace("<cbc:ID>123456XX</cbc:ID>", `<cbc:ID>${number}</cbc:ID>`);
    const created = await call("/invoices", { token: broker, method: "POST", body: xml, headers: { "Content-Type": "application/xml", "Idempotency-Key": `rechnung-${number}` } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ number, status: "accepted", state: "in_review", findings: [] });
    const location = created.headers.get("location")!;
    expect(location).toBe(`/api/v1/invoices/${created.body!.id}`);
    // The same key again: the first answer, nothing new.
    const replay = await call("/invoices", { token: broker, method: "POST", body: xml, headers: { "Content-Type": "application/xml", "Idempotency-Key": `rechnung-${number}` } });
    expect(replay.status).toBe(201);
    expect(replay.body!.id).toBe(created.body!.id);
    // The same invoice without the key: a duplicate, stored as rejected, 409.
    const duplicate = await call("/invoices", { token: broker, method: "POST", body: xml, headers: { "Content-Type": "text/xml" } });
    expect(duplicate.status).toBe(409);
    expect(Object.keys(duplicate.body!.errors as Json)).toEqual(["DUPLIKAT"]);
    expect((duplicate.body!.invoice as Json).status).toBe("rejected");
    // A wrong Leitweg-ID (multipart): 422 naming the rule, the stored invoice readable at its location.
    const form = new FormData();
    form.append("file", new Blob([xml.replace(number, `${number}-LW`).replace("04011000-12345-03", "99999999-FALSCH-00")], { type: "application/xml" }), "rechnung.xml");
    const wrong = await call("/invoices", { token: broker, method: "POST", body: form });
    expect(wrong.status).toBe(422);
    expect(Object.keys(wrong.body!.errors as Json)).toEqual(["LEITWEG-ID"]);
    const stored = await call(((wrong.body!.invoice as Json).location as string).slice("/api/v1".length), { token: broker });
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({ status: "rejected", state: "rejected" });
    expect((await call("/invoices", { token: broker, method: "POST", body: "Hallo", headers: { "Content-Type": "text/plain" } })).status).toBe(415);

    const list = await call("/invoices?status=rejected&pageSize=100", { token: broker });
    expect(list.status).toBe(200);
    expect((list.body!.items as Json[]).every((i) => i.status === "rejected")).toBe(true);
    const one = await call(location.slice("/api/v1".length), { token: broker });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: created.body!.id, dueOn: expect.any(String), paidOn: null });
    expect((await call(location.slice("/api/v1".length), { token: other })).status).toBe(404);
  });

  it("listOwnBills, getOwnBill, confirmOwnBill (201, replay, 409, 404) on the demo's proposed bill of DEMO-T-0001", async () => {
    const billId = await withServerDb(server, async () => {
      const { em } = await import("../setup/db");
      const { PlaceBill, User } = await import("../../entities");
      const m = await em();
      const u = await m.getRepository(User).findOneByOrFail({ email: TRAINER });
      return (await m.getRepository(PlaceBill).findOneOrFail({ where: { providerId: u.providerId!, status: "proposed" }, order: { id: "DESC" } })).id;
    });
    const list = await call("/bills?status=proposed&pageSize=100", { token: trainer });
    expect(list.status).toBe(200);
    expect((list.body!.items as Json[]).some((b) => b.id === billId)).toBe(true);
    const one = await call(`/bills/${billId}`, { token: trainer });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: billId, status: "proposed", invoiceId: null });
    expect((await call(`/bills/${billId}`, { token: broker })).status).toBe(404);
    expect((await call(`/bills/${billId}/confirm`, { token: broker, method: "POST" })).status).toBe(404);
    const confirmed = await call(`/bills/${billId}/confirm`, { token: trainer, method: "POST", headers: { "Idempotency-Key": `abrechnung-${billId}` } });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(201);
    expect(confirmed.body).toMatchObject({ bill: { id: billId, status: "confirmed" } });
    const replay = await call(`/bills/${billId}/confirm`, { token: trainer, method: "POST", headers: { "Idempotency-Key": `abrechnung-${billId}` } });
    expect(replay.status).toBe(201);
    expect((await call(`/bills/${billId}/confirm`, { token: trainer, method: "POST" })).status).toBe(409);
  });

  // Place purchases (issue 11): two orders for the trainer's organisation, bought through the service in this process.
  it("listOwnPurchases, getOwnPurchase, confirmOwnPurchase, declineOwnPurchase on orders of DEMO-T-0001; another organisation gets 404", async () => {
    const ids = await withServerDb(server, () =>
      retryBusy(async () => {
        const { em } = await import("../setup/db");
        const { today } = await import("~/lib/clock.server");
        const { Client, Measure, Provider, User } = await import("../../entities");
        const { buyPlace } = await import("~/services/purchases.server");
        const m = await em();
        const cm = await m.getRepository(User).findOneByOrFail({ email: "fallmanagement@asz-kamenz.example" });
        const org = await m.getRepository(Provider).findOneByOrFail({ externalKey: "DEMO-T-0001" });
        const day = today();
        const shift = (days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
        const at = new Date().toISOString();
        const measure = (await m.getRepository(Measure).save({
          reference: "MK-VT-00001", providerId: org.id, typeCode: "training", title: "Vertragstest-Kurs", description: "", origin: "contract", contractId: null, baReference: "", azavNumber: "", azavValidFrom: null, azavValidUntil: null,
          hostName: "", region: "", location: "", format: "group", entryMode: "continuous", startDates: [], duration: 1, durationUnit: "month", weeklyHours: 2000, capacity: 5,
          priceModel: "participant", priceCents: 100_000, proRata: "days", eventFees: [], targetGroups: [], minAge: null, maxAge: null, entryConditions: "",
          validFrom: shift(-10), validUntil: shift(400), status: "active", statusReason: "", proposedById: null, decidedById: null, decidedAt: null, createdById: null, createdAt: at, updatedAt: at,
        } as never)) as unknown as { id: number };
        const out: number[] = [];
        for (const n of [1, 2]) {
          const c = (await m.getRepository(Client).save({
            reference: `K-VT-${n}`, firstName: "Vera", lastName: "Vertrag", birthDate: "1990-01-01", street: "", postalCode: "", city: "", phone: "", email: "", region: "", targetGroups: [], qualification: "", targetOccupation: "",
            monthlyBenefitCents: null, householdSize: null, healthNotes: "", caseManagerId: null, createdAt: at, updatedAt: at,
          } as never)) as unknown as { id: number };
          const user = { id: cm.id, email: cm.email, name: cm.name, role: "case_manager" as const, providerId: null };
          out.push((await buyPlace(user, { measureId: String(measure.id), clientId: String(c.id), startDate: shift(20) })).id);
        }
        return out;
      }),
    );
    const list = await call("/purchases?status=ordered&pageSize=100", { token: trainer });
    expect(list.status).toBe(200);
    expect((list.body!.items as Json[]).map((i) => i.id)).toEqual(expect.arrayContaining(ids));
    const one = await call(`/purchases/${ids[0]}`, { token: trainer });
    expect(one.status).toBe(200);
    expect((await call(`/purchases/${ids[0]}`, { token: other })).status).toBe(404);
    const confirmed = await call(`/purchases/${ids[0]}/confirm`, { token: trainer, method: "POST" });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body!.status).toBe("confirmed");
    expect((await call(`/purchases/${ids[1]}/decline`, { token: trainer, method: "POST", ...json({}) })).status).toBe(422);
    const declined = await call(`/purchases/${ids[1]}/decline`, { token: trainer, method: "POST", ...json({ reason: "Die Gruppe ist bereits voll." }) });
    expect(declined.status).toBe(200);
    expect(declined.body!.status).toBe("declined");
    expect((await call(`/purchases/${ids[1]}/confirm`, { token: trainer, method: "POST" })).status).toBe(409);
  });

  it("listEvents: the trainer's offer events in order, with a cursor; a bad cursor is 400", async () => {
    const seen: { id: string; type: string }[] = [];
    let cursor = "0";
    for (;;) {
      const page = await call(`/events?after=${cursor}&limit=50`, { token: trainer });
      expect(page.status).toBe(200);
      const items = page.body!.items as { id: string; type: string }[];
      seen.push(...items);
      cursor = page.body!.cursor as string;
      if (!page.body!.hasMore) break;
    }
    const ids = seen.map((e) => Number(e.id));
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(seen.some((e) => e.type.startsWith("offer."))).toBe(true);
    const empty = await call(`/events?after=${cursor}`, { token: trainer });
    expect(empty.body).toMatchObject({ items: [], cursor, hasMore: false });
    expect((await call(`/events?after=0&limit=500`, { token: trainer })).status).toBe(200);
    for (const bad of ["after=abc", "limit=0", "limit=501", `after=${Number(cursor) + 1000}`, `after=${"9".repeat(3000)}`, "after=0&after=5"]) {
      const res = await call(`/events?${bad}`, { token: trainer });
      expect(res.status, bad).toBe(400);
      expect(Object.keys(res.body!.errors as Json), bad).toEqual([bad.split("=")[0]]);
    }
  });

  it("listOwnMeasures, proposeMeasure, getOwnMeasure: the trainer's catalogue entries and a proposal; rules 422; others' 404", async () => {
    const list = await call("/measures?pageSize=100", { token: trainer });
    expect(list.status).toBe(200);
    const day = berlinDate(new Date());
    const until = `${Number(day.slice(0, 4)) + 1}${day.slice(4, 8)}01`;
    const proposal = { typeCode: "fbw", title: "Vertragstest: Umschulung", entryMode: "dates", startDates: [until], duration: 24, durationUnit: "month", weeklyHours: 35, capacity: 8, priceCents: 1420000, eventFees: [{ event: "completion", label: "Abschlussprämie", amountCents: 50000 }], targetGroups: ["rehab"], minAge: 18, maxAge: null, validFrom: day, validUntil: until, azavNumber: "AZAV-VT-1", azavValidFrom: day, azavValidUntil: until };
    const created = await call("/measures", { token: trainer, method: "POST", ...json(proposal) });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: "proposed", origin: "certified", statusLabel: "vorgeschlagen" });
    const id = created.body!.id as number;
    expect((await call(`/measures/${id}`, { token: trainer })).status).toBe(200);
    expect((await call(`/measures/${id}`, { token: other })).status).toBe(404);
    const refused = await call("/measures", { token: trainer, method: "POST", ...json({ ...proposal, capacity: 0 }) });
    expect(refused.status).toBe(422);
    expect(refused.body!.errors).toMatchObject({ capacity: "Mindestens 1 Platz." });
    // A broker proposes no measures.
    expect((await call("/measures", { token: broker, method: "POST", ...json(proposal) })).status).toBe(403);
  });

  // Participation (issue 11, point 6): a confirmed purchase of the trainer's organisation, made for this test.
  it("reportEntry, listAttendance, reportAttendance, reportExam, reportExit: 2xx for the own purchase; 404, 409, 422 refusals", async () => {
    const fixture = await withServerDb(server, async () => {
      const { em } = await import("../setup/db");
      const { today } = await import("~/lib/clock.server");
      const { addDays } = await import("~/domain/time");
      const { Client, Measure, PlacePurchase, User } = await import("../../entities");
      const m = await em();
      const trainerUser = await m.getRepository(User).findOneOrFail({ where: { email: TRAINER } });
      const staffUser = await m.getRepository(User).findOneOrFail({ where: { email: STAFF } });
      const at = new Date().toISOString();
      const t = today();
      const client = await retryBusy(() => m.getRepository(Client).save(m.getRepository(Client).create({ reference: "KD-VT-0001", firstName: "Vera", lastName: "Vertrag", birthDate: null, targetGroups: [], monthlyBenefitCents: null, householdSize: null, healthNotes: "", caseManagerId: null, createdAt: at, updatedAt: at })));
      const measure = await retryBusy(() =>
        m.getRepository(Measure).save(
          m.getRepository(Measure).create({ reference: "MK-VT-0001", providerId: trainerUser.providerId, typeCode: "bae", title: "BaE (Vertragstest)", origin: "ba", format: "individual", entryMode: "continuous", startDates: [], duration: 36, durationUnit: "month", weeklyHours: 3900, capacity: 5, priceModel: "place_month", priceCents: 150000, proRata: "days", eventFees: [], targetGroups: [], validFrom: "2000-01-01", validUntil: "2099-12-31", status: "active", createdAt: at, updatedAt: at }),
        ),
      );
      const purchase = await retryBusy(() =>
        m.getRepository(PlacePurchase).save(
          m.getRepository(PlacePurchase).create({ reference: "PK-VT-0001", measureId: measure.id, providerId: trainerUser.providerId, clientId: client.id, startDate: t, endDate: addDays(t, 1000), status: "confirmed", priceModel: "place_month", priceCents: 150000, proRata: "days", eventFees: [], hours: null, estimatedCents: 5400000, budgetLineId: null, approvalNeeded: false, consentAt: null, note: "", requestedById: staffUser.id, requestedAt: at, orderedAt: at, statusReason: "", entryDate: null, exitDate: null, exitReason: null, exitNote: "", createdAt: at, updatedAt: at }),
        ),
      );
      return { id: purchase.id, today: t, tomorrow: addDays(t, 1) };
    });
    const base = `/purchases/${fixture.id}`;
    const month = fixture.today.slice(0, 7);
    // Before the entry: attendance is a state conflict; an entry tomorrow breaks a rule; another organisation does not find it.
    const early = await call(`${base}/attendance`, { token: trainer, method: "POST", ...json({ month, daysPresent: 1, daysExcused: 0, daysUnexcused: 0 }) });
    expect(early.status).toBe(409);
    const tomorrow = await call(`${base}/entry`, { token: trainer, method: "POST", ...json({ entryDate: fixture.tomorrow }) });
    expect(tomorrow.status).toBe(422);
    expect(Object.keys(tomorrow.body!.errors as Json)).toEqual(["entryDate"]);
    expect((await call(`${base}/entry`, { token: other, method: "POST", ...json({ entryDate: fixture.today }) })).status).toBe(404);
    const entry = await call(`${base}/entry`, { token: trainer, method: "POST", ...json({ entryDate: fixture.today }) });
    expect(entry.status).toBe(200);
    expect(entry.body).toMatchObject({ id: fixture.id, status: "running", entryDate: fixture.today });
    const attendance = await call(`${base}/attendance`, { token: trainer, method: "POST", ...json({ month, daysPresent: 1, daysExcused: 0, daysUnexcused: 0 }) });
    expect(attendance.status).toBe(200);
    expect(attendance.body).toMatchObject({ month, daysPresent: 1, channel: "api" });
    const months = await call(`${base}/attendance`, { token: trainer });
    expect(months.status).toBe(200);
    expect(months.body!.items).toHaveLength(1);
    expect((await call(`${base}/attendance`, { token: other })).status).toBe(404);
    const exam = await call(`${base}/exams`, { token: trainer, method: "POST", ...json({ examName: "Zwischenprüfung", examDate: fixture.today, passed: true }) });
    expect(exam.status).toBe(201);
    const exit = await call(`${base}/exit`, { token: trainer, method: "POST", ...json({ exitDate: fixture.today, kind: "completed", earlyCompletionConfirmed: true }) });
    expect(exit.status).toBe(200);
    expect(exit.body).toMatchObject({ status: "completed", exitDate: fixture.today, exitReason: null });
  });

  // The provider comparison (issue 12): the organisation's own outcomes, never another provider.
  it("getOwnOutcomes: the trainer's own BaE figures of 2007 against the anonymised overall; the broker's line; invalid queries 400 in German", async () => {
    const own = await call("/provider/outcomes?typeCode=bae&period=year&year=2007", { token: trainer });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ line: "places", typeCode: "bae", period: { kind: "year", from: "2007-01-01", to: "2007-12-31" } });
    const items = own.body!.items as Json[];
    expect(items.map((i) => i.measure)).toEqual(["integration", "sustainability", "dropout", "exam", "cost_per_integration"]);
    expect(JSON.stringify(own.body)).not.toMatch(/providerId|Jobbrücke|jobbruecke/i);
    const one = await call("/provider/outcomes?measure=placement", { token: broker });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ line: "brokers" });
    expect((one.body!.items as Json[]).map((i) => i.measure)).toEqual(["placement"]);
    for (const [bad, field] of [["measure=placement", "measure"], ["period=decade", "period"], ["year=07", "year"], ["foo=bar", "foo"], ["line=brokers", "line"], ["typeCode=xyz", "typeCode"], ["year=2999", "year"], ["period=rolling12&end=31.02.2007", "end"]] as const) {
      const res = await call(`/provider/outcomes?${bad}`, { token: trainer });
      expect(res.status, bad).toBe(400);
      expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      expect(Object.keys(res.body!.errors as Json), bad).toEqual([field]);
      expect(res.body!.detail as string).toMatch(/Bitte prüfen Sie die Angaben/);
      // The API shows nothing instead: no "gezeigt wird …" from the page's messages.
      expect(res.body!.detail as string, bad).not.toMatch(/gezeigt|endet heute/i);
    }
    // Staff have no own outcomes.
    expect((await call("/provider/outcomes", { token: staff })).status).toBe(403);
  });

  it("a method the path does not have is 405 problem+json with Allow", async () => {
    for (const [method, path, allow] of [
      ["PUT", "/tenders", "GET"],
      ["DELETE", "/placements", "GET, POST"],
      ["PATCH", `/offers/1`, "GET, DELETE"],
    ] as const) {
      const res = await call(path, { token: trainer, method, ...json({}) });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get("allow")).toBe(allow);
      expect(res.body).toMatchObject({ status: 405 });
    }
  });

  it("a cross-site POST without a token is refused as problem+json", async () => {
    const res = await call("/placements", { method: "POST", headers: { Origin: "https://fremde-seite.example", "Content-Type": "application/json" }, body: "{}" });
    expect(res.status).toBe(403);
    expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(res.body!.detail).toMatch(/fremder Herkunft/);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("after a 413 on an upload the connection is closed, and the client's next request works", async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const send = (method: string, path: string, headers: Record<string, string | number>, body?: Buffer) =>
      new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
        const req = http.request(`${server.baseUrl}/api/v1${path}`, { method, agent, headers: { Authorization: `Bearer ${trainer}`, ...headers } }, (res) => {
          let text = "";
          res.on("data", (d) => (text += d));
          res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
        });
        req.on("error", reject);
        if (body) req.end(body);
        else req.end();
      });
    const boundary = "----vertragstest";
    const big = Buffer.alloc(21 * 1048576, 0x20);
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="offer"\r\n\r\n{}\r\n--${boundary}\r\nContent-Disposition: form-data; name="concept"; filename="k.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n`),
      big,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const refused = await send("POST", `/tenders/${tenderId}/offers`, { "Content-Type": `multipart/form-data; boundary=${boundary}`, "Content-Length": body.length }, body);
    expect(refused.status).toBe(413);
    expect(refused.headers.connection).toBe("close");
    expect(refused.headers["content-type"]).toMatch(/^application\/problem\+json/);
    const next = await send("GET", "/me", {});
    expect(next.status).toBe(200);
    agent.destroy();
  });

  it("no operation of the document went uncalled, and each had a documented success", () => {
    const calls = sharedApiContract().calls;
    const ops = sharedApiContract().operations();
    const uncalled = ops.filter((o) => !calls.some((c) => c.operationId === o.operationId));
    const unanswered = ops.filter((o) => !calls.some((c) => c.operationId === o.operationId && c.status >= 200 && c.status < 300));
    // The change feed has its own test file too (events-api.test.ts, across a restart).
    const elsewhere = new Set<string>();
    expect(uncalled.filter((o) => !elsewhere.has(o.operationId)).map((o) => o.key)).toEqual([]);
    expect(unanswered.filter((o) => !elsewhere.has(o.operationId)).map((o) => o.key)).toEqual([]);
  });
});
