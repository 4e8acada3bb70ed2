import { freshDatabase } from "../setup/db";
import { beforeAll, describe, expect, it } from "vitest";
import { AuditEvent, BankAccount, Certification, Provider, ProviderChangeRequest, User } from "../../entities";
import { ConflictError, NotFoundError, ValidationError } from "~/domain/errors";
import { parseCsv, toCsv } from "~/domain/csv";
import { certificationState, type CertificationState } from "~/domain/provider";
import { PROVIDER_CSV_COLUMNS, type ProviderCsvKey } from "~/domain/provider-csv";
import { berlinDate } from "~/domain/time";
import { verifyAuditChain } from "~/lib/audit.server";
import { now, nowIso, setClock } from "~/lib/clock.server";
import { em } from "../setup/db";
import type { PersonUser } from "~/services/auth.server";
import { DEMO_USERS, seedDemoData } from "~/demo/demo-data.server";
import { exportProvidersCsv, ImportError, importProvidersCsv } from "~/services/provider-csv.server";
import {
  createProvider,
  decideChangeRequest,
  getProvider,
  listProviders,
  requestChange,
  setBankAccount,
  updateProvider,
} from "~/services/providers.server";

let admin: PersonUser;
let procurement: PersonUser;
let procurement2: PersonUser;
let caseManager: PersonUser;
let brokerUser: PersonUser; // provider user of DEMO-B-0001
let trainerUser: PersonUser; // provider user of DEMO-T-0001

async function currentUser(email: string): Promise<PersonUser> {
  const u = await (await em()).getRepository(User).findOneOrFail({ where: { email } });
  return { id: u.id, email: u.email, name: u.name, role: u.role as PersonUser["role"], providerId: u.providerId };
}
const emailOf = (role: string, n = 0) => DEMO_USERS.filter((u) => u.role === role)[n].email;

async function allProviders() {
  return (await em()).getRepository(Provider).find({ order: { id: "ASC" } });
}
async function providerCount() {
  return (await em()).getRepository(Provider).count();
}

beforeAll(async () => {
  await freshDatabase();
  setClock("2026-03-02T09:00:00.000Z");
  const result = await seedDemoData({ scale: 0.2 });
  expect(result.providers).toBeGreaterThan(30);
  admin = await currentUser(emailOf("admin"));
  procurement = await currentUser(emailOf("procurement"));
  procurement2 = await currentUser(emailOf("procurement", 1));
  caseManager = await currentUser(emailOf("case_manager"));
  brokerUser = await currentUser("vermittler@jobbruecke-kamenz.example");
  trainerUser = await currentUser("traeger@bildungswerk-lausitz.example");
  expect(brokerUser.providerId).not.toBeNull();
  expect(trainerUser.providerId).not.toBeNull();
});

// ---------------------------------------------------------------------------------------------
describe("listProviders", () => {
  it("filters by kind (active only by default)", async () => {
    const all = await allProviders();
    for (const kind of ["broker", "training", "agency"]) {
      const expected = all.filter((p) => p.kind === kind && p.active).map((p) => p.id).sort((a, b) => a - b);
      const r = await listProviders({ kind, pageSize: 500 });
      expect(r.total).toBe(expected.length);
      expect(r.rows.map((x) => x.id).sort((a, b) => a - b)).toEqual(expected);
      expect(r.rows.every((x) => x.kind === kind)).toBe(true);
    }
    // demo data has inactive brokers; "all" includes them
    const allBrokers = all.filter((p) => p.kind === "broker").length;
    expect((await listProviders({ kind: "broker", active: "all", pageSize: 500 })).total).toBe(allBrokers);
    expect((await listProviders({ kind: "broker", active: "inactive", pageSize: 500 })).total).toBe(all.filter((p) => p.kind === "broker" && !p.active).length);
  });

  it("an unknown kind does not filter", async () => {
    const all = await allProviders();
    expect((await listProviders({ kind: "bogus", pageSize: 500 })).total).toBe(all.filter((p) => p.active).length);
  });

  it("filters by region", async () => {
    const all = await allProviders();
    const regions = [...new Set(all.map((p) => p.region))];
    expect(regions.length).toBeGreaterThan(1);
    for (const region of regions) {
      const expected = all.filter((p) => p.region === region && p.active).length;
      const r = await listProviders({ region, pageSize: 500 });
      expect(r.total).toBe(expected);
      expect(r.rows.every((x) => x.region === region)).toBe(true);
    }
  });

  it("filters by certification state, agreeing with the domain rule", async () => {
    const m = await em();
    const all = (await allProviders()).filter((p) => p.active);
    const certs = await m.getRepository(Certification).find();
    const today = berlinDate(now());
    const expected = new Map<CertificationState, number[]>([["valid", []], ["expiring", []], ["expired", []], ["none", []]]);
    for (const p of all) expected.get(certificationState(certs.filter((c) => c.providerId === p.id), today, 90))!.push(p.id);
    let sum = 0;
    for (const [state, ids] of expected) {
      const r = await listProviders({ cert: state, pageSize: 500 });
      expect(r.rows.map((x) => x.id).sort((a, b) => a - b), state).toEqual(ids.sort((a, b) => a - b));
      expect(r.rows.every((x) => x.certState === state), state).toBe(true);
      sum += r.total;
    }
    expect(sum).toBe(all.length);
    // the demo set has every state
    for (const [state, ids] of expected) expect(ids.length, state).toBeGreaterThan(0);
  });

  it("cert state boundary: validUntil == today + 90 is expiring, + 91 is valid, == today is expiring, yesterday expired", async () => {
    const today = berlinDate(now());
    const mk = async (suffix: string, validUntil: string) => {
      const p = await createProvider(procurement, { kind: "training", name: `Grenzfall ${suffix}`, externalKey: `EDGE-${suffix}` });
      const { addCertification } = await import("~/services/providers.server");
      await addCertification(procurement, p.id, { certifyingBody: "CERTQUA GmbH", certificateNumber: `E-${suffix}`, validFrom: "2021-01-01", validUntil });
      return p.id;
    };
    const { addDays } = await import("~/domain/time");
    const ids = {
      d90: await mk("90", addDays(today, 90)),
      d91: await mk("91", addDays(today, 91)),
      d0: await mk("0", today),
      dm1: await mk("m1", addDays(today, -1)),
    };
    const state = async (cert: string) => new Set((await listProviders({ cert, q: "Grenzfall", pageSize: 500 })).rows.map((r) => r.id));
    expect(await state("expiring")).toEqual(new Set([ids.d90, ids.d0]));
    expect(await state("valid")).toEqual(new Set([ids.d91]));
    expect(await state("expired")).toEqual(new Set([ids.dm1]));
    const rows = (await listProviders({ q: "Grenzfall", pageSize: 500 })).rows;
    expect(Object.fromEntries(rows.map((r) => [r.id, r.certState]))).toEqual({ [ids.d90]: "expiring", [ids.d91]: "valid", [ids.d0]: "expiring", [ids.dm1]: "expired" });
    const detail = await getProvider(procurement, ids.d90);
    expect(detail.certState).toBe("expiring");
  });

  it("searches name, city, VAT id and external key case-insensitively", async () => {
    const all = (await allProviders()).filter((p) => p.active);
    const q = "KAMENZ";
    const expected = all.filter((p) => [p.name, p.city, p.vatId ?? "", p.externalKey ?? ""].some((v) => v.toLowerCase().includes(q.toLowerCase())));
    const r = await listProviders({ q, pageSize: 500 });
    expect(r.total).toBe(expected.length);
    expect(r.rows.map((x) => x.id).sort((a, b) => a - b)).toEqual(expected.map((p) => p.id).sort((a, b) => a - b));

    const one = all.find((p) => p.kind === "training")!;
    expect((await listProviders({ q: one.vatId!, pageSize: 500 })).rows.map((x) => x.id)).toEqual([one.id]);
    expect((await listProviders({ q: one.externalKey!.toLowerCase(), pageSize: 500 })).rows.map((x) => x.id)).toEqual([one.id]);
    expect((await listProviders({ q: "gibt-es-nicht-xyz", pageSize: 500 })).total).toBe(0);
    // LIKE wildcards typed by the user are not wildcards
    expect((await listProviders({ q: "%", pageSize: 500 })).total).toBe(all.length);
    expect((await listProviders({ q: "_", pageSize: 500 })).total).toBe(all.length);
  });

  it("sorts by name ascending and descending", async () => {
    const asc = (await listProviders({ sort: "name", dir: "asc", pageSize: 500 })).rows.map((r) => r.name);
    const desc = (await listProviders({ sort: "name", dir: "desc", pageSize: 500 })).rows.map((r) => r.name);
    expect(asc.length).toBeGreaterThan(10);
    expect(desc).toEqual([...asc].reverse());
    // first letters are plain ASCII capitals in the demo data: the order is the same in every collation
    const initials = asc.map((n) => n[0]);
    expect(initials).toEqual([...initials].sort());
    expect(asc[0][0] < asc[asc.length - 1][0]).toBe(true);
  });

  it("sorts by certificate end date, providers without current certificate first (asc) / last (desc)", async () => {
    const asc = (await listProviders({ sort: "certUntil", dir: "asc", pageSize: 500 })).rows;
    const desc = (await listProviders({ sort: "certUntil", dir: "desc", pageSize: 500 })).rows;
    const nullsAsc = asc.filter((r) => r.certUntil === null).length;
    expect(nullsAsc).toBeGreaterThan(0);
    expect(asc.slice(0, nullsAsc).every((r) => r.certUntil === null)).toBe(true);
    const datesAsc = asc.slice(nullsAsc).map((r) => r.certUntil!);
    expect(datesAsc).toEqual([...datesAsc].sort());
    expect(desc.slice(desc.length - nullsAsc).every((r) => r.certUntil === null)).toBe(true);
    const datesDesc = desc.slice(0, desc.length - nullsAsc).map((r) => r.certUntil!);
    expect(datesDesc).toEqual([...datesAsc].reverse());
  });

  it("pages: page 2 holds the next rows, total and pages are right, out-of-range pages clamp", async () => {
    const full = await listProviders({ sort: "name", pageSize: 500 });
    const p1 = await listProviders({ sort: "name", pageSize: 10, page: 1 });
    const p2 = await listProviders({ sort: "name", pageSize: 10, page: 2 });
    expect(p1.total).toBe(full.total);
    expect(p2.total).toBe(full.total);
    expect(p1.pages).toBe(Math.ceil(full.total / 10));
    expect(p1.rows.map((r) => r.id)).toEqual(full.rows.slice(0, 10).map((r) => r.id));
    expect(p2.rows.map((r) => r.id)).toEqual(full.rows.slice(10, 20).map((r) => r.id));
    const last = await listProviders({ sort: "name", pageSize: 10, page: 9999 });
    expect(last.page).toBe(p1.pages);
    expect(last.rows.map((r) => r.id)).toEqual(full.rows.slice((p1.pages - 1) * 10).map((r) => r.id));
    expect((await listProviders({ sort: "name", pageSize: 10, page: 0 })).page).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------------
describe("getProvider access", () => {
  it("a provider user reads its own provider", async () => {
    const d = await getProvider(brokerUser, brokerUser.providerId!);
    expect(d.provider.id).toBe(brokerUser.providerId);
    expect(d.provider.externalKey).toBe("DEMO-B-0001");
  });

  it("a provider user gets NotFoundError for another provider, even an existing one", async () => {
    await expect(getProvider(brokerUser, trainerUser.providerId!)).rejects.toBeInstanceOf(NotFoundError);
    await expect(getProvider(brokerUser, 999999)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("staff read any provider; a missing id is NotFoundError", async () => {
    expect((await getProvider(caseManager, trainerUser.providerId!)).provider.id).toBe(trainerUser.providerId);
    await expect(getProvider(caseManager, 999999)).rejects.toBeInstanceOf(NotFoundError);
  });
});

// ---------------------------------------------------------------------------------------------
describe("create and update", () => {
  it("createProvider rejects a duplicate VAT id (also written differently) with a German field error", async () => {
    const existing = (await allProviders()).find((p) => p.vatId)!;
    const before = await providerCount();
    const spaced = `${existing.vatId!.slice(0, 2).toLowerCase()} ${existing.vatId!.slice(2, 5)} ${existing.vatId!.slice(5)}`;
    for (const vatId of [existing.vatId!, spaced]) {
      const err = await createProvider(procurement, { kind: "training", name: "Doppelt gGmbH", vatId }).catch((e) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect(err.fieldErrors.vatId).toBe(`Die USt-IdNr. ist bereits bei „${existing.name}“ erfasst.`);
    }
    expect(await providerCount()).toBe(before);
  });

  it("createProvider rejects invalid input with field errors and writes an audit event on success", async () => {
    const err = await createProvider(procurement, { kind: "training", name: "X", postalCode: "123" }).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.fieldErrors).toMatchObject({ name: expect.any(String), postalCode: "Die Postleitzahl hat fünf Ziffern." });
    const p = await createProvider(procurement, { kind: "training", name: "Neu gGmbH", vatId: "DE100000001" });
    const ev = await (await em()).getRepository(AuditEvent).findOneOrFail({ where: { action: "provider.create", entityId: String(p.id) } });
    expect(ev.actorId).toBe(procurement.id);
    expect((ev.details as { after: { name: string } }).after.name).toBe("Neu gGmbH");
  });

  it("updateProvider writes an audit event with before/after of the changed fields only", async () => {
    const p = await createProvider(procurement, { kind: "training", name: "Änderbar e. V.", city: "Kamenz", vatId: "DE100000002" });
    const m = await em();
    const countBefore = await m.getRepository(AuditEvent).count({ where: { action: "provider.update", entityId: String(p.id) } });
    await updateProvider(procurement2, p.id, { kind: "training", name: "Änderbar e. V.", city: "Bautzen", postalCode: "02625", vatId: "DE100000002" });
    const events = await m.getRepository(AuditEvent).find({ where: { action: "provider.update", entityId: String(p.id) }, order: { seq: "ASC" } });
    expect(events).toHaveLength(countBefore + 1);
    const ev = events.at(-1)!;
    expect(ev.actorId).toBe(procurement2.id);
    expect(ev.providerId).toBe(p.id);
    expect(ev.details).toEqual({ changes: { city: { before: "Kamenz", after: "Bautzen" }, postalCode: { before: "", after: "02625" } } });
    expect((await m.getRepository(Provider).findOneByOrFail({ id: p.id })).city).toBe("Bautzen");

    // the same data again: no change, no event
    await updateProvider(procurement2, p.id, { kind: "training", name: "Änderbar e. V.", city: "Bautzen", postalCode: "02625", vatId: "DE100000002" });
    expect(await m.getRepository(AuditEvent).count({ where: { action: "provider.update", entityId: String(p.id) } })).toBe(countBefore + 1);
  });

  it("updateProvider may keep its own VAT id but not take another's", async () => {
    const [a, b] = (await allProviders()).filter((p) => p.vatId);
    const err = await updateProvider(procurement, a.id, { kind: a.kind, name: a.name, vatId: b.vatId }).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.fieldErrors.vatId).toContain(b.name);
  });
});

// ---------------------------------------------------------------------------------------------
describe("bank account and change requests", () => {
  const NEW_IBAN = "DE89370400440532013000";
  const OTHER_IBAN = "DE02120300000000202051";

  async function accounts(providerId: number) {
    return (await em()).getRepository(BankAccount).find({ where: { providerId }, order: { id: "ASC" } });
  }

  it("setBankAccount with an invalid IBAN throws a ValidationError naming the problem and changes nothing", async () => {
    const pid = trainerUser.providerId!;
    const before = await accounts(pid);
    const err = await setBankAccount(procurement, pid, { iban: "DE89370400440532013001", holder: "Bildungswerk Lausitz" }).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.fieldErrors.iban).toBe("Die Prüfziffern der IBAN stimmen nicht. Bitte prüfen Sie die Eingabe auf Tippfehler.");
    const err2 = await setBankAccount(procurement, pid, { iban: "DE8937040044053201300", holder: "Bildungswerk Lausitz" }).catch((e) => e);
    expect(err2.fieldErrors.iban).toBe("Eine IBAN aus DE hat 22 Stellen, diese hat 21.");
    expect(await accounts(pid)).toEqual(before);
  });

  it("setBankAccount with a valid IBAN supersedes the previous account and records who changed it", async () => {
    const pid = trainerUser.providerId!;
    const before = await accounts(pid);
    const previous = before.find((b) => b.current)!;
    expect(previous).toBeDefined();
    await setBankAccount(procurement, pid, { iban: "de89 3704 0044 0532 0130 00", bic: "cobadeffxxx", holder: "Bildungswerk Lausitz" });
    const after = await accounts(pid);
    expect(after).toHaveLength(before.length + 1);
    expect(after.filter((b) => b.current)).toHaveLength(1);
    expect(after.find((b) => b.id === previous.id)!.current).toBe(false);
    const current = after.find((b) => b.current)!;
    expect(current).toMatchObject({ iban: NEW_IBAN, bic: "COBADEFFXXX", holder: "Bildungswerk Lausitz", changedById: procurement.id, requestedById: null });
    const ev = await (await em()).getRepository(AuditEvent).findOneOrFail({ where: { action: "provider.bank_account_change", providerId: pid }, order: { seq: "DESC" } });
    expect(ev.details).toMatchObject({ before: { iban: previous.iban }, after: { iban: NEW_IBAN } });
  });

  it("a provider's bank change request takes effect only after a staff decision; the requester cannot decide", async () => {
    const pid = brokerUser.providerId!;
    const currentBefore = (await accounts(pid)).find((b) => b.current)!;

    const err = await requestChange(brokerUser, "bank_account", { iban: "DE00370400440532013000", holder: "Jobbrücke Kamenz" }).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);

    const req = await requestChange(brokerUser, "bank_account", { iban: OTHER_IBAN, holder: "Jobbrücke Kamenz" });
    expect(req.status).toBe("pending");
    expect(req.providerId).toBe(pid);
    expect((await accounts(pid)).find((b) => b.current)).toEqual(currentBefore);

    await expect(decideChangeRequest(brokerUser, req.id, true, "")).rejects.toBeInstanceOf(ConflictError);
    expect((await accounts(pid)).find((b) => b.current)).toEqual(currentBefore);

    await decideChangeRequest(procurement, req.id, true, "");
    const current = (await accounts(pid)).find((b) => b.current)!;
    expect(current.iban).toBe(OTHER_IBAN);
    expect(current.changedById).toBe(procurement.id);
    expect(current.requestedById).toBe(brokerUser.id);
    expect((await accounts(pid)).filter((b) => b.current)).toHaveLength(1);
    const stored = await (await em()).getRepository(ProviderChangeRequest).findOneByOrFail({ id: req.id });
    expect(stored).toMatchObject({ status: "approved", decidedById: procurement.id });

    // decided once only
    await expect(decideChangeRequest(procurement2, req.id, true, "")).rejects.toBeInstanceOf(ConflictError);
  });

  it("the same flow with a BIC: staff approval makes the account current with changedById/requestedById", async () => {
    const pid = brokerUser.providerId!;
    const before = await accounts(pid);
    const req = await requestChange(brokerUser, "bank_account", { iban: "DE75512108001245126199", bic: "SOGEDEFFXXX", holder: "Jobbrücke Kamenz" });
    expect(await accounts(pid)).toEqual(before);
    await expect(decideChangeRequest(brokerUser, req.id, true, "")).rejects.toThrow("Sie können Ihren eigenen Antrag nicht bestätigen.");
    await decideChangeRequest(procurement2, req.id, true, "");
    const after = await accounts(pid);
    expect(after).toHaveLength(before.length + 1);
    expect(after.filter((b) => b.current)).toHaveLength(1);
    expect(after.find((b) => b.current)).toMatchObject({ iban: "DE75512108001245126199", bic: "SOGEDEFFXXX", changedById: procurement2.id, requestedById: brokerUser.id });
    const ev = await (await em()).getRepository(AuditEvent).findOneOrFail({ where: { action: "provider.bank_account_change", providerId: pid }, order: { seq: "DESC" } });
    expect(ev.actorId).toBe(procurement2.id);
    expect(ev.details).toMatchObject({ requestedById: brokerUser.id, after: { iban: "DE75512108001245126199" } });
  });

  it("a staff member who filed a request cannot decide it either", async () => {
    // a request is filed in the name of a user; here the staff user is made the requester
    const req = await requestChange(brokerUser, "bank_account", { iban: NEW_IBAN, holder: "Jobbrücke Kamenz" });
    await (await em()).getRepository(ProviderChangeRequest).update({ id: req.id }, { requestedById: procurement.id });
    await expect(decideChangeRequest(procurement, req.id, true, "")).rejects.toThrow("Sie können Ihren eigenen Antrag nicht bestätigen.");
    await decideChangeRequest(procurement2, req.id, false, "Test");
  });

  it("rejecting needs a note; a rejected request changes nothing", async () => {
    const pid = brokerUser.providerId!;
    const currentBefore = (await accounts(pid)).find((b) => b.current)!;
    const req = await requestChange(brokerUser, "bank_account", { iban: NEW_IBAN, holder: "Jobbrücke Kamenz" });
    for (const note of ["", "   "]) {
      const err = await decideChangeRequest(procurement, req.id, false, note).catch((e) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect(err.fieldErrors.note).toBe("Bitte begründen Sie die Ablehnung.");
    }
    expect((await (await em()).getRepository(ProviderChangeRequest).findOneByOrFail({ id: req.id })).status).toBe("pending");
    await decideChangeRequest(procurement, req.id, false, "  Kontoinhaber stimmt nicht  ");
    const stored = await (await em()).getRepository(ProviderChangeRequest).findOneByOrFail({ id: req.id });
    expect(stored).toMatchObject({ status: "rejected", decisionNote: "Kontoinhaber stimmt nicht", decidedById: procurement.id });
    expect((await accounts(pid)).find((b) => b.current)).toEqual(currentBefore);
  });

  it("a certification request, once approved, counts for the provider's state", async () => {
    const pid = trainerUser.providerId!;
    const req = await requestChange(trainerUser, "certification", { certifyingBody: "DQS GmbH", certificateNumber: "AZAV-NEU-1", validFrom: "01.01.2026", validUntil: "31.12.2030" });
    expect((await getProvider(trainerUser, pid)).certifications.some((c) => c.certificateNumber === "AZAV-NEU-1")).toBe(false);
    await decideChangeRequest(procurement, req.id, true, "");
    const d = await getProvider(trainerUser, pid);
    const cert = d.certifications.find((c) => c.certificateNumber === "AZAV-NEU-1")!;
    expect(cert).toMatchObject({ validFrom: "2026-01-01", validUntil: "2030-12-31", changedById: procurement.id });
    expect(d.certState).toBe("valid");
  });

  it("the audit chain is intact after all of this", async () => {
    expect((await verifyAuditChain(await em())).ok).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
const HEADERS = PROVIDER_CSV_COLUMNS.map((c) => c.header);
const csvLine = (r: Partial<Record<ProviderCsvKey, string>>) => PROVIDER_CSV_COLUMNS.map((c) => r[c.key] ?? "");

describe("CSV export and import", () => {
  it("export → import of the exported text: 0 created, 0 updated, all unchanged; chain still verifies", async () => {
    const m = await em();
    const { csv, count } = await exportProvidersCsv(procurement, { active: "all" });
    expect(count).toBe(await providerCount());
    expect(parseCsv(csv).rows).toHaveLength(count);
    const auditBefore = await m.getRepository(AuditEvent).count();
    const providersBefore = await allProviders();
    const banksBefore = await m.getRepository(BankAccount).count();
    const certsBefore = await m.getRepository(Certification).count();

    const result = await importProvidersCsv(procurement, csv, "export.csv");
    expect(result).toEqual({ created: 0, updated: 0, unchanged: count });

    expect(await allProviders()).toEqual(providersBefore);
    expect(await m.getRepository(BankAccount).count()).toBe(banksBefore);
    expect(await m.getRepository(Certification).count()).toBe(certsBefore);
    // only the import summary itself was logged
    const newEvents = await m.getRepository(AuditEvent).find({ order: { seq: "ASC" }, skip: auditBefore });
    expect(newEvents.map((e) => e.action)).toEqual(["provider.import"]);
    expect(await verifyAuditChain(m)).toMatchObject({ ok: true });
  });

  it("a filtered export contains only the filtered providers", async () => {
    const { csv, count } = await exportProvidersCsv(procurement, { kind: "agency" });
    expect(count).toBe(1);
    const rows = parseCsv(csv).rows;
    expect(rows).toHaveLength(1);
    expect(rows[0].values[HEADERS.indexOf("Art")]).toBe("Bundesagentur für Arbeit");
  });

  it("a file with one bad row among good ones writes nothing and throws ImportError with the issue", async () => {
    const m = await em();
    const before = await providerCount();
    const auditBefore = await m.getRepository(AuditEvent).count();
    const text = toCsv(HEADERS, [
      csvLine({ externalKey: "NEU-1", kind: "Bildungsträger", name: "Neu Eins gGmbH" }),
      csvLine({ externalKey: "NEU-2", kind: "Bildungsträger", name: "Neu Zwei gGmbH", postalCode: "123" }),
      csvLine({ externalKey: "NEU-3", kind: "Bildungsträger", name: "Neu Drei gGmbH" }),
    ]);
    const err = await importProvidersCsv(procurement, text).catch((e) => e);
    expect(err).toBeInstanceOf(ImportError);
    expect(err.issues).toEqual([{ line: 3, column: "PLZ", message: "Die Postleitzahl hat fünf Ziffern." }]);
    expect(await providerCount()).toBe(before);
    expect(await m.getRepository(AuditEvent).count()).toBe(auditBefore);
  });

  it("a conflict found against the database rolls back rows already written in the same import", async () => {
    const m = await em();
    const [a, b] = (await allProviders()).filter((p) => p.externalKey && p.vatId);
    const before = await providerCount();
    const auditBefore = await m.getRepository(AuditEvent).count();
    const text = toCsv(HEADERS, [
      csvLine({ externalKey: "NEU-ROLLBACK", kind: "Bildungsträger", name: "Wird zurückgerollt gGmbH" }),
      csvLine({ externalKey: a.externalKey!, vatId: b.vatId!, kind: a.kind, name: a.name }),
    ]);
    const err = await importProvidersCsv(procurement, text).catch((e) => e);
    expect(err).toBeInstanceOf(ImportError);
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0].line).toBe(3);
    expect(await providerCount()).toBe(before);
    expect(await m.getRepository(Provider).findOneBy({ externalKey: "NEU-ROLLBACK" })).toBeNull();
    expect(await m.getRepository(AuditEvent).count()).toBe(auditBefore);
  });

  it("a new file creates its rows; importing it again changes nothing", async () => {
    const m = await em();
    const before = await providerCount();
    const text = toCsv(HEADERS, [
      csvLine({ externalKey: "IMP-1", kind: "Bildungsträger", name: "Import Eins gGmbH", city: "Görlitz", postalCode: "02826", serviceCategories: "Trainingsmaßnahmen", certifyingBody: "DQS GmbH", certificateNumber: "IMP-AZAV-1", validFrom: "01.01.2025", validUntil: "31.12.2029", iban: "DE89 3704 0044 0532 0130 00", holder: "Import Eins gGmbH" }),
      csvLine({ vatId: "DE300000001", kind: "Privater Arbeitsvermittler", name: "Import Zwei Vermittlung", tradeRegistrationDate: "15.06.2001", serviceCategories: "Arbeitsvermittlung" }),
      csvLine({ externalKey: "IMP-3", vatId: "DE300000003", kind: "Bildungsträger", name: "Import Drei e. V.", email: "info@drei.example" }),
    ]);
    expect(await importProvidersCsv(procurement, text, "neu.csv")).toEqual({ created: 3, updated: 0, unchanged: 0 });
    expect(await providerCount()).toBe(before + 3);
    const one = await m.getRepository(Provider).findOneByOrFail({ externalKey: "IMP-1" });
    expect(one).toMatchObject({ kind: "training", name: "Import Eins gGmbH", city: "Görlitz", serviceCategories: ["training"], active: true });
    expect(await m.getRepository(BankAccount).findOneByOrFail({ providerId: one.id, current: true })).toMatchObject({ iban: "DE89370400440532013000", changedById: procurement.id });
    expect(await m.getRepository(Certification).findOneByOrFail({ providerId: one.id })).toMatchObject({ certificateNumber: "IMP-AZAV-1", validUntil: "2029-12-31" });
    const two = await m.getRepository(Provider).findOneByOrFail({ vatId: "DE300000001" });
    expect(two).toMatchObject({ kind: "broker", tradeRegistrationDate: "2001-06-15", externalKey: null });

    const auditBefore = await m.getRepository(AuditEvent).count();
    expect(await importProvidersCsv(procurement, text, "neu.csv")).toEqual({ created: 0, updated: 0, unchanged: 3 });
    expect(await providerCount()).toBe(before + 3);
    expect(await m.getRepository(AuditEvent).count()).toBe(auditBefore + 1);

    // a changed value updates exactly that provider
    const changed = text.replace("Görlitz", "Zittau");
    expect(await importProvidersCsv(procurement, changed, "neu.csv")).toEqual({ created: 0, updated: 1, unchanged: 2 });
    expect((await m.getRepository(Provider).findOneByOrFail({ externalKey: "IMP-1" })).city).toBe("Zittau");
    expect(await verifyAuditChain(m)).toMatchObject({ ok: true });
  });

  it("export → import stays unchanged for a provider whose phone is in international form (+49 …)", async () => {
    // Runs last: when the bug is present the import rewrites the phone number.
    const m = await em();
    const p = await createProvider(procurement, { kind: "training", name: "International gGmbH", externalKey: "INTL-1", phone: "+49 3578 7870" });
    const { csv } = await exportProvidersCsv(procurement, { q: "INTL-1" });
    expect(parseCsv(csv).rows).toHaveLength(1);
    expect(await importProvidersCsv(procurement, csv, "export.csv")).toEqual({ created: 0, updated: 0, unchanged: 1 });
    expect((await m.getRepository(Provider).findOneByOrFail({ id: p.id })).phone).toBe("+49 3578 7870");
  });

  it("the export contains all matching providers, also more than one page of 500", async () => {
    // Runs last: it adds many providers.
    const m = await em();
    const missing = 520 - (await providerCount());
    const at = nowIso();
    const rows = Array.from({ length: missing }, (_, i) => ({
      externalKey: `BULK-${String(i).padStart(4, "0")}`,
      kind: "training",
      name: `Massenträger ${i}`,
      serviceCategories: [] as string[],
      active: true,
      createdAt: at,
      updatedAt: at,
      vatId: null,
      tradeRegistrationDate: null,
    }));
    for (let i = 0; i < rows.length; i += 100) await m.getRepository(Provider).insert(rows.slice(i, i + 100));
    const total = await providerCount();
    expect(total).toBe(520);
    const { csv, count } = await exportProvidersCsv(procurement, { active: "all" });
    expect(count).toBe(total);
    expect(parseCsv(csv).rows).toHaveLength(total);
  });
});
