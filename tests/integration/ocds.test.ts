import { freshDatabase } from "../setup/db";
import { minimalPdf } from "../fixtures/pdf";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Ajv, { type ValidateFunction } from "ajv-draft-04";
import { beforeAll, describe, expect, it } from "vitest";
import { AuditEvent, Contract, Lot, Offer, Provider, Tender, User } from "../../entities";
import { setClock, nowIso } from "~/lib/clock.server";
import { config } from "~/lib/config.server";
import { em } from "../setup/db";
import { sessionCookieHeader } from "~/lib/session.server";
import { login, type PersonUser } from "~/services/auth.server";
import { DEMO_PASSWORD } from "~/demo/demo-data.server";
import { seedDemoData } from "~/demo/demo-data.server";
import { loader as ocdsRoute } from "~/routes/tenders.$id.ocds[.json]";
import { seedDemoTenders } from "~/demo/demo-tenders.server";
import { OCDS_OCID_PREFIX, ocdsReleasePackage, type OcdsRelease, type OcdsReleasePackage } from "~/services/ocds.server";
import { confirmOpening, submitOffer, type OfferSubmission } from "~/services/offers.server";
import { cancelTender, closeDueTenders } from "~/services/tenders.server";

/**
 * OCDS export (external truth: ../shared/standards/ocds): every tender's release package
 * validates against the OCDS 1.1.5 release-package and release schemas (JSON Schema draft 4),
 * uses only core fields (plus the declared Lots extension), and says nothing about offers
 * while they are sealed.
 */

const SCHEMA_DIR = path.resolve("../shared/standards/ocds/schema");
const packageSchema = JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, "release-package-schema.json"), "utf8"));
const releaseSchema = JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, "release-schema.json"), "utf8"));
const RELEASE_URL: string = packageSchema.properties.releases.items.$ref;

/** RFC 3339 date-time (ISO 8601 with an offset), a real instant. */
function isDateTime(v: string): boolean {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v) && !Number.isNaN(Date.parse(v));
}

function makeAjv() {
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false });
  // OCDS metadata keywords (documentation only, no validation meaning).
  ajv.addVocabulary(["codelist", "openCodelist", "deprecated", "omitWhenMerged", "wholeListMerge", "versionId"]);
  // No ajv-formats: the two formats the schemas use, checked here (no network, no extra package).
  ajv.addFormat("date-time", isDateTime);
  ajv.addFormat("uri", (v: string) => /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(v));
  expect(releaseSchema.id).toBe(RELEASE_URL);
  ajv.addSchema(releaseSchema, RELEASE_URL);
  return ajv;
}
const ajv = makeAjv();
const validatePackage: ValidateFunction = ajv.compile(packageSchema);
const definition = (name: string) => ajv.getSchema(`${RELEASE_URL}#/definitions/${name}`)!;

/** Lots extension fields (declared in `extensions`); everything else must be core. */
const EXTENSION_PATHS = [/^\/releases\/\d+\/tender\/lots$/, /^\/releases\/\d+\/tender\/items\/\d+\/relatedLot$/, /^\/releases\/\d+\/awards\/\d+\/relatedLots$/];

type SchemaNode = any;
function resolve(node: SchemaNode): SchemaNode {
  if (node?.$ref === RELEASE_URL) return releaseSchema;
  if (typeof node?.$ref === "string" && node.$ref.startsWith("#/definitions/")) return releaseSchema.definitions[node.$ref.slice("#/definitions/".length)];
  return node;
}

/** JSON pointers of fields the core schemas do not define. */
function nonCoreFields(value: unknown, node: SchemaNode, at: string, out: string[]) {
  const schema = resolve(node);
  if (Array.isArray(value)) {
    value.forEach((v, i) => schema?.items && nonCoreFields(v, schema.items, `${at}/${i}`, out));
  } else if (value && typeof value === "object") {
    for (const [key, v] of Object.entries(value)) {
      const pointer = `${at}/${key}`;
      if (EXTENSION_PATHS.some((re) => re.test(pointer))) continue;
      if (!schema?.properties || !(key in schema.properties)) out.push(pointer);
      else nonCoreFields(v, schema.properties[key], pointer, out);
    }
  }
}

/** Schema validation plus the core-fields rule plus the shape of the Lots extension's fields. */
function problems(pkg: OcdsReleasePackage): string[] {
  const out: string[] = [];
  if (!validatePackage(pkg)) out.push(...(validatePackage.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`));
  const extra: string[] = [];
  nonCoreFields(pkg, packageSchema, "", extra);
  out.push(...extra.map((p) => `${p}: not a core field`));
  const lotKeys = ["id", "title", "description", "status", "value", "contractPeriod"];
  const statuses = releaseSchema.definitions.Tender.properties.status.enum;
  for (const [r, release] of pkg.releases.entries()) {
    const lotIds = release.tender.lots.map((l) => l.id);
    if (new Set(lotIds).size !== lotIds.length) out.push(`/releases/${r}: duplicate lot ids`);
    for (const [i, lot] of release.tender.lots.entries()) {
      const at = `/releases/${r}/tender/lots/${i}`;
      for (const k of Object.keys(lot)) if (!lotKeys.includes(k)) out.push(`${at}/${k}: unknown lot field`);
      if (typeof lot.id !== "string" || !lot.id) out.push(`${at}/id missing`);
      if (!statuses.includes(lot.status)) out.push(`${at}/status ${lot.status}`);
      for (const [k, def] of [["value", "Value"], ["contractPeriod", "Period"]] as const) {
        const v = definition(def);
        if (!v(lot[k])) out.push(`${at}/${k} ${ajv.errorsText(v.errors)}`);
      }
    }
    for (const item of release.tender.items) if (!lotIds.includes(item.relatedLot)) out.push(`/releases/${r}: item ${item.id} names an unknown lot`);
    for (const award of release.awards ?? []) if (!award.relatedLots.every((l) => lotIds.includes(l))) out.push(`/releases/${r}: award ${award.id} names an unknown lot`);
    const partyIds = release.parties.map((p) => p.id);
    if (new Set(partyIds).size !== partyIds.length) out.push(`/releases/${r}: duplicate party ids`);
    const refs = [release.buyer, release.tender.procuringEntity, ...(release.tender.tenderers ?? []), ...(release.awards ?? []).flatMap((a) => a.suppliers ?? [])];
    for (const ref of refs) if (!partyIds.includes(ref.id)) out.push(`/releases/${r}: reference to unknown party ${ref.id}`);
    const awardIds = (release.awards ?? []).map((a) => a.id);
    for (const c of release.contracts ?? []) if (!awardIds.includes(c.awardID)) out.push(`/releases/${r}: contract ${c.id} names an unknown award`);
  }
  return out;
}

function expectValid(pkg: OcdsReleasePackage, label: string) {
  const found = problems(pkg);
  if (found.length) console.error(`OCDS-Validierung (${label}):\n${found.join("\n")}\n${JSON.stringify(pkg, null, 2)}`);
  expect(found, label).toEqual([]);
}

/** Validate the package of every tender on its own, and all of them in one package. */
async function validateEveryTender(stage: string): Promise<OcdsReleasePackage> {
  const tenders = await (await em()).getRepository(Tender).find({ order: { id: "ASC" } });
  expect(tenders.length).toBeGreaterThan(0);
  for (const t of tenders) {
    const pkg = await ocdsReleasePackage([t.id]);
    expect(pkg.releases).toHaveLength(1);
    expectValid(pkg, `${stage}: ${t.reference} (${t.status})`);
  }
  const all = await ocdsReleasePackage();
  expect(all.releases).toHaveLength(tenders.length);
  expectValid(all, `${stage}: alle`);
  const ids = all.releases.map((r) => r.id);
  expect(new Set(ids).size).toBe(ids.length);
  return all;
}

async function currentUser(email: string): Promise<PersonUser> {
  const u = await (await em()).getRepository(User).findOneOrFail({ where: { email } });
  return { id: u.id, email: u.email, name: u.name, role: u.role as PersonUser["role"], providerId: u.providerId };
}

async function packageJson(id: number): Promise<string> {
  return JSON.stringify(await ocdsReleasePackage([id]));
}

const TRAINER_PRICE = 91250; // the demo offer (seedDemoTenders): 912,50 € per place and month
const BROKER_PRICE = 93377; // 933,77 €: distinctive, must not appear before the opening

function priceForms(cents: number): string[] {
  const euros = (cents / 100).toString(); // as JSON prints an amount: 912.5, 933.77
  return [String(cents), euros, euros.replace(".", ","), (cents / 100).toFixed(2), (cents / 100).toFixed(2).replace(".", ",")];
}

let procurement: PersonUser;
let procurement2: PersonUser;
let brokerUser: PersonUser;
let baeId: number;
let measureId: number;
let sealedNames: string[];
let baeOcid: string;

beforeAll(async () => {
  await freshDatabase();
  setClock("2026-03-02T09:00:00.000Z");
  await seedDemoData({ scale: 0.1 });
  // Nine demo procedures, one in every state (see app/demo/demo-tenders.server.ts).
  expect(await seedDemoTenders()).toBe(9);
  procurement = await currentUser("vergabe@asz-kamenz.example");
  procurement2 = await currentUser("vergabe2@asz-kamenz.example");
  brokerUser = await currentUser("vermittler@jobbruecke-kamenz.example");
  const m = await em();
  const tenders = await m.getRepository(Tender).find({ order: { id: "ASC" } });
  baeId = tenders.find((t) => t.status === "published")!.id;
  measureId = tenders.find((t) => t.status === "draft")!.id;
  const trainer = await currentUser("traeger@bildungswerk-lausitz.example");
  const t4 = await currentUser("angebote@demo-t-0004.example");
  const providers = await m.getRepository(Provider).find({ where: [{ id: trainer.providerId! }, { id: brokerUser.providerId! }, { id: t4.providerId! }] });
  sealedNames = providers.map((p) => p.name);
  expect(sealedNames).toHaveLength(3);
  baeOcid = `${OCDS_OCID_PREFIX}-${tenders.find((t) => t.id === baeId)!.reference}`;
});

describe("OCDS release package", () => {
  it("validates for every demo tender (draft and published with an offer)", async () => {
    const all = await validateEveryTender("Demodaten");
    const bae = all.releases.find((r) => r.ocid === baeOcid)!;
    const draft = all.releases.find((r) => r.tender.status === "planned")!;
    expect(bae.tag).toEqual(["tender"]);
    expect(draft.tag).toEqual(["planning"]);
    expect(bae.ocid).toMatch(new RegExp(`^${OCDS_OCID_PREFIX}-V-\\d{4}-\\d{3}$`));
    expect(bae.initiationType).toBe("tender");
    expect(bae.parties).toEqual([expect.objectContaining({ id: "buyer", name: "Landkreis Kamenz · Arbeits- und Sozialzentrum (ASZ)", roles: ["buyer", "procuringEntity"] })]);
    expect(bae.tender).toMatchObject({
      procurementMethod: "open",
      procurementMethodDetails: "Öffentliche Ausschreibung",
      mainProcurementCategory: "services",
      awardCriteria: "ratedCriteria",
      value: { amount: 410400, currency: "EUR" }, // 12 places × 950 € × 36 months
    });
    expect(bae.tender.awardCriteriaDetails).toContain("Preis je Platz und Monat (Preis): 60 %");
    expect(bae.tender.lots).toEqual([
      expect.objectContaining({ id: "lot-1", title: "BaE kooperativ, Kamenz", value: { amount: 410400, currency: "EUR" }, contractPeriod: { startDate: "2027-09-01T00:00:00+02:00", endDate: "2030-08-31T23:59:59+02:00" } }),
    ]);
    expect(bae.tender.items).toEqual([expect.objectContaining({ quantity: 12, relatedLot: "lot-1", unit: expect.objectContaining({ value: { amount: 950, currency: "EUR" } }) })]);
    // The demo calendar (seedDemoTenders): published ten days before the seed day at 09:30, offers until noon 25 days after it.
    expect(bae.tender.tenderPeriod?.startDate).toMatch(/^2026-02-20T09:30:\d\d\+01:00$/);
    expect(bae.tender.tenderPeriod?.endDate).toMatch(/^2026-03-27T12:00:00\+01:00$/);
    expect(draft.tender.lots).toHaveLength(1);
    expect(draft.tender.lots.reduce((sum, l) => sum + l.value.amount, 0)).toBe(draft.tender.value.amount);
  });

  it("the checks catch a broken package (a test that cannot fail is not a test)", async () => {
    const good = await ocdsReleasePackage([baeId]);
    expect(problems(good)).toEqual([]);
    const broken = (change: (p: OcdsReleasePackage & Record<string, never>) => void): string[] => {
      const copy = structuredClone(good) as OcdsReleasePackage & Record<string, never>;
      change(copy);
      return problems(copy);
    };
    // Core schema: date without offset, closed codelists, required fields, the package version.
    expect(broken((p) => (p.releases[0].date = "2026-03-02T10:00:00")).join()).toMatch(/\/releases\/0\/date must match format "date-time"/);
    expect(broken((p) => (p.releases[0].tender.status = "offen")).join()).toMatch(/\/releases\/0\/tender\/status must be equal to one of the allowed values/);
    expect(broken((p) => (p.releases[0].tender.procurementMethod = "restricted")).join()).toMatch(/procurementMethod must be equal to one of the allowed values/);
    expect(broken((p) => (p.releases[0].tender.value.currency = "EURO")).join()).toMatch(/\/tender\/value\/currency must be equal/);
    expect(broken((p) => delete (p.releases[0] as Partial<OcdsRelease>).ocid).join()).toMatch(/must have required property 'ocid'/);
    expect(broken((p) => (p.version = "1.1.5" as "1.1")).join()).toMatch(/\/version must match pattern/);
    // Core fields only, and the Lots extension's own shape.
    expect(broken((p) => ((p.releases[0].tender as Record<string, unknown>).bidders = [])).join()).toContain("/releases/0/tender/bidders: not a core field");
    expect(broken((p) => ((p.releases[0].tender.lots[0] as Record<string, unknown>).budget = 1)).join()).toContain("unknown lot field");
    expect(broken((p) => (p.releases[0].tender.lots[0].contractPeriod.endDate = "2030-08-31")).join()).toContain("/releases/0/tender/lots/0/contractPeriod");
    expect(broken((p) => (p.releases[0].tender.items[0].relatedLot = "lot-9")).join()).toContain("names an unknown lot");
    expect(broken((p) => (p.releases[0].buyer.id = "jobcenter")).join()).toContain("unknown party jobcenter");
  });

  it("says nothing about offers while they are sealed (published, closed, one confirmation)", async () => {
    const lot = await (await em()).getRepository(Lot).findOneByOrFail({ tenderId: baeId });
    const offer: OfferSubmission = {
      lots: [{ lotId: lot.id, unitPriceCents: BROKER_PRICE }],
      declarations: { eligible: true, noExclusionGrounds: true, certificateValid: true },
      concept: { filename: "konzept.pdf", bytes: minimalPdf("Konzept") },
    };
    await submitOffer(brokerUser, baeId, offer);
    // The two demo offers (Bildungswerk Lausitz, DEMO-T-0004) and the broker's.
    expect(await (await em()).getRepository(Offer).count({ where: { tenderId: baeId, status: "submitted" } })).toBe(3);

    const sealedChecks = async (stage: string) => {
      const json = await packageJson(baeId);
      for (const name of sealedNames) expect(json, `${stage}: ${name}`).not.toContain(name);
      for (const form of [...priceForms(TRAINER_PRICE), ...priceForms(BROKER_PRICE)]) expect(json, `${stage}: ${form}`).not.toContain(form);
      for (const word of ["numberOfTenderers", "tenderers", "tenderer", "supplier", "awards", "contracts", "provider-"]) expect(json, `${stage}: ${word}`).not.toContain(word);
      await validateEveryTender(stage);
    };
    await sealedChecks("veröffentlicht");

    const t = await (await em()).getRepository(Tender).findOneByOrFail({ id: baeId });
    setClock(new Date(Date.parse(t.offersUntil!) + 60_000));
    expect(await closeDueTenders()).toBe(1);
    const closed = await (await em()).getRepository(Tender).findOneByOrFail({ id: baeId });
    expect(closed.status).toBe("offers_closed");
    await sealedChecks("Frist abgelaufen");

    expect((await confirmOpening(procurement, baeId)).opened).toBe(false);
    await sealedChecks("eine Bestätigung");
  });

  it("shows the tenderers after the opening by two people", async () => {
    expect((await confirmOpening(procurement2, baeId)).opened).toBe(true);
    const all = await validateEveryTender("geöffnet");
    const bae = all.releases.find((r) => r.ocid === baeOcid)!;
    const json = await packageJson(baeId);
    for (const name of sealedNames) expect(json).toContain(name);
    expect(bae.tender.numberOfTenderers).toBe(3);
    expect(bae.tender.tenderers?.map((t) => t.name).sort()).toEqual([...sealedNames].sort());
    for (const ref of bae.tender.tenderers!) expect(bae.parties.find((p) => p.id === ref.id)?.roles).toEqual(["tenderer"]);
    expect(bae.tender.status).toBe("active");
    expect(bae.awards).toBeUndefined();
  });

  it("exports awards and contracts (award state set directly here; the demo data also holds a procedure awarded through the services)", async () => {
    const m = await em();
    const lot = await m.getRepository(Lot).findOneByOrFail({ tenderId: baeId });
    const trainer = await currentUser("traeger@bildungswerk-lausitz.example");
    const winning = await m.getRepository(Offer).findOneByOrFail({ tenderId: baeId, providerId: trainer.providerId!, status: "submitted" });
    const at = nowIso();
    await m.getRepository(Lot).update({ id: lot.id }, { awardDecision: "award", awardedOfferId: winning.id, awardReasons: "Wirtschaftlichstes Angebot" });
    await m.getRepository(Tender).update({ id: baeId }, { status: "award_decided", evaluatedAt: at, awardDecidedAt: at, updatedAt: at });
    const unsealsBefore = await m.getRepository(AuditEvent).count({ where: { action: "offer.unseal" } });

    let all = await validateEveryTender("Zuschlag entschieden");
    let bae = all.releases.find((r) => r.ocid === baeOcid)!;
    expect(bae.tag).toEqual(["award"]);
    expect(bae.awards).toEqual([
      expect.objectContaining({ id: "award-1", status: "pending", relatedLots: ["lot-1"], value: { amount: 394200, currency: "EUR" } }), // 912,50 € × 12 × 36
    ]);
    const supplierName = bae.awards![0].suppliers![0].name;
    expect(sealedNames).toContain(supplierName);
    expect(bae.parties.find((p) => p.name === supplierName)?.roles).toEqual(["tenderer", "supplier"]);
    expect(await m.getRepository(AuditEvent).count({ where: { action: "offer.unseal" } })).toBeGreaterThan(unsealsBefore);

    const later = nowIso();
    await m.getRepository(Tender).update({ id: baeId }, { status: "awarded", informedAt: later, awardedAt: later, updatedAt: later });
    await m.getRepository(Contract).insert({
      reference: "VT-TEST-0001",
      tenderId: baeId,
      lotId: lot.id,
      providerId: trainer.providerId!,
      offerId: winning.id,
      quantity: 12,
      priceUnit: "place_month",
      unitPriceCents: TRAINER_PRICE,
      successFeeCents: null,
      startDate: lot.startDate,
      endDate: "2030-08-31",
      status: "active",
      concludedAt: later,
    });
    all = await validateEveryTender("Zuschlag erteilt");
    bae = all.releases.find((r) => r.ocid === baeOcid)!;
    expect(bae.tag).toEqual(["award", "contract"]);
    expect(bae.tender.status).toBe("complete");
    expect(bae.awards![0].status).toBe("active");
    expect(bae.contracts).toEqual([expect.objectContaining({ id: "VT-TEST-0001", awardID: "award-1", status: "active", value: { amount: 394200, currency: "EUR" } })]);
  });

  it("exports a cancellation", async () => {
    await cancelTender(procurement, measureId, "Der Bedarf ist entfallen (Test).");
    const all = await validateEveryTender("aufgehoben");
    const measureOcid = `${OCDS_OCID_PREFIX}-${(await (await em()).getRepository(Tender).findOneByOrFail({ id: measureId })).reference}`;
    const cancelled = all.releases.find((r) => r.ocid === measureOcid)!;
    expect(cancelled.tender.status).toBe("cancelled");
    expect(cancelled.tender.tenderers).toBeUndefined();
  });

  it("the route gives staff the package of one tender as a JSON download", async () => {
    const call = async (email: string | null, id: number = baeId): Promise<Response> => {
      const url = `http://localhost/tenders/${id}/ocds.json`;
      const headers = new Headers();
      if (email) {
        const result = await login(email, DEMO_PASSWORD, "127.0.0.1");
        if (!result.ok) throw new Error(result.error);
        headers.set("Cookie", (await sessionCookieHeader(new Request(url), result.token, result.expiresAt)).split(";")[0]);
      }
      try {
        return await ocdsRoute({ request: new Request(url, { headers }), params: { id: String(id) }, context: { nonce: "", clientAddress: "127.0.0.1" } });
      } catch (thrown) {
        if (thrown instanceof Response) return thrown;
        throw thrown;
      }
    };
    const ok = await call("pruefung@asz-kamenz.example"); // auditor: staff with read:tender:any
    expect(ok.status).toBe(200);
    expect(ok.headers.get("Content-Type")).toMatch(/^application\/json/);
    const reference = (await (await em()).getRepository(Tender).findOneByOrFail({ id: baeId })).reference;
    expect(ok.headers.get("Content-Disposition")).toBe(`attachment; filename="ocds-${reference}.json"`);
    const pkg = (await ok.json()) as OcdsReleasePackage;
    expect(pkg.releases.map((r) => r.tender.id)).toEqual([reference]);
    expect(pkg.uri).toMatch(new RegExp(`/tenders/${baeId}/ocds\\.json$`));
    expectValid(pkg, "Route");
    expect((await call("vergabe@asz-kamenz.example", 999999)).status).toBe(404);
    expect((await call("vermittler@jobbruecke-kamenz.example")).status).toBe(403);
    const anonymous = await call(null);
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("Location")).toMatch(/^\/login/);
  });

  it("writes all tenders into one file from the command line", async () => {
    // The CLI is a separate process that opens the database by DATA_DIR: only on SQLite, where the
    // test's database is a file in its own data directory (a PostgreSQL run shares one server).
    if (config().databaseKind !== "postgres") {
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "vt-ocds-")), "ocds.json");
      const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: process.env.DATA_DIR, APP_TIME: nowIso() };
      delete env.DATABASE_URL;
      const result = spawnSync("npx", ["tsx", "scripts/cli.ts", "export:ocds", file], { env, encoding: "utf8", timeout: 60_000 });
      expect(result.status, result.stderr).toBe(0);
      const count = await (await em()).getRepository(Tender).count();
      expect(result.stdout).toContain(`(${count} Releases)`);
      const pkg = JSON.parse(fs.readFileSync(file, "utf8")) as OcdsReleasePackage;
      expect(pkg.releases).toHaveLength(count);
      expectValid(pkg, "CLI");
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });
});
