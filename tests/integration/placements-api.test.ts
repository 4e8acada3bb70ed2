import { PDFDocument } from "pdf-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../setup/server";
import { createApiTokensInProcess, retryBusy, withServerDb } from "../setup/server-tools";

/**
 * The placement API for brokers (/api/v1/assignments, /api/v1/placements): what a broker sees of
 * its clients (DOMAIN.md § 4), submitting claims (multipart and JSON), the rules' refusal as 422,
 * file checks, object-level access and the usual HTTP errors. Self-sufficient: the fee schedule,
 * the agreement of DEMO-B-0001, the clients and their assignments are created through the
 * services in this process against the server's database. Requires a current build.
 */

const BROKER = "vermittler@jobbruecke-kamenz.example";
/** Another broker (DEMO-B-0002): sees none of DEMO-B-0001's rows. */
const OTHER_PROVIDER = "angebote@demo-b-0002.example";
/** A training provider: the broker API is not for it at all (403). */
const TRAINER = "traeger@bildungswerk-lausitz.example";
const PROCUREMENT = "vergabe@asz-kamenz.example";
const CASE_MANAGER = "fallmanagement@asz-kamenz.example";

// Markers of data a broker must never see.
const HEALTH_MARKER = "Gesundheit-Marker-Qx71";
const BENEFIT = "563,00";

interface Setup {
  today: string;
  legalBasis: string;
  consent: {
    assignmentId: number;
    reference: string;
    client: string;
    name: string;
    email: string;
  };
  noConsent: {
    assignmentId: number;
    reference: string;
    client: string;
    lastName: string;
  };
  json: { assignmentId: number; reference: string };
}

let server: TestServer;
let brokerToken: string;
let otherToken: string;
let trainerToken: string;
let staffToken: string;
let setup: Setup;
let validPdf: Uint8Array;

const de = (date: string) => date.split("-").reverse().join(".");
function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

async function makePdf(title: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(title);
  doc.addPage([595, 842]);
  return doc.save();
}

async function api(
  path: string,
  init: {
    token?: string;
    method?: string;
    body?: BodyInit;
    headers?: Record<string, string>;
  } = {}
) {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.Authorization = `Bearer ${init.token}`;
  return fetch(server.baseUrl + path, {
    method: init.method ?? "GET",
    headers,
    body: init.body,
    redirect: "manual",
  });
}

function placement(assignmentId: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const day = setup.today;
  return {
    assignmentId,
    employerName: "Lausitzer Metallbau GmbH",
    employerStreet: "Industriestraße 12",
    employerPostalCode: "02977",
    employerCity: "Hoyerswerda",
    employerVatId: null,
    employerIban: null,
    employerManager: "Petra Schuster",
    abroad: false,
    contractDate: day,
    jobStart: addDays(day, 14),
    weeklyHours: 38.5,
    insured: true,
    fixedTermEnd: null,
    occupation: "Metallbauer",
    brokerContractDate: addDays(day, -20),
    jobOfferDate: null,
    ...overrides,
  };
}

function multipart(data: Record<string, unknown>, files: Record<string, { bytes: Uint8Array; name: string; type?: string }>): FormData {
  const form = new FormData();
  form.append("placement", JSON.stringify(data));
  for (const [name, f] of Object.entries(files)) form.append(name, new Blob([Buffer.from(f.bytes)], { type: f.type ?? "application/pdf" }), f.name);
  return form;
}

function isProblem(res: Response): boolean {
  return /^application\/problem\+json/.test(res.headers.get("content-type") ?? "");
}

beforeAll(async () => {
  server = await startServer({ env: { TRUST_PROXY: "" } });
  [brokerToken, otherToken, staffToken, trainerToken] = await createApiTokensInProcess(server, [BROKER, OTHER_PROVIDER, PROCUREMENT, TRAINER]);
  validPdf = await makePdf("Arbeitsvertrag");

  setup = await withServerDb(server, async () => {
    const { em } = await import("../setup/db");
    const { nowIso } = await import("~/lib/clock.server");
    const { PlacementAgreement, Provider, Setting, User } = await import("../../entities");
    const { acceptAgreement, createFeeSchedule, offerAgreements, scheduleFor } = await import("~/services/placement-agreements.server");
    const { assignClient, createClient } = await import("~/services/clients.server");
    const { today } = await import("~/lib/clock.server");
    type PersonUser = import("~/services/auth.server").PersonUser;

    const m = await em();
    const userOf = async (email: string): Promise<PersonUser> => {
      const u = await m.getRepository(User).findOneOrFail({ where: { email } });
      return {
        id: u.id,
        email: u.email,
        name: u.name,
        role: u.role as PersonUser["role"],
        providerId: u.providerId,
      };
    };
    const [procurement, caseManager, broker] = [await userOf(PROCUREMENT), await userOf(CASE_MANAGER), await userOf(BROKER)];
    const day = today();

    // Small uploads make the 413 test cheap.
    await retryBusy(() =>
      m.getRepository(Setting).save({
        key: "uploads.maxMegabytes",
        value: 1,
        updatedAt: nowIso(),
        updatedById: null,
      })
    );

    // An active agreement of DEMO-B-0001 covering today (created unless demo data brought one).
    const current = async () =>
      (
        await m.getRepository(PlacementAgreement).find({
          where: { providerId: broker.providerId! },
          order: { id: "DESC" },
        })
      ).find((a) => (a.status === "active" || a.status === "offered") && a.validFrom <= day && a.validUntil >= day);
    let agreement = await current();
    if (!agreement) {
      if (!(await scheduleFor(m, "voucher_421g", day)))
        await retryBusy(() =>
          createFeeSchedule(procurement, {
            code: "TEST-VGS-421G",
            name: "Vermittlungsgutschein (Test)",
            legalBasis: "voucher_421g",
            validFrom: "2020-01-01",
            firstAmount: "1.000,00",
            firstDays: "42",
            secondMonths: "6",
            secondSameEmployer: "on",
            rates: "alle;2.000,00;01.01.2020",
          })
        );
      const provider = await m.getRepository(Provider).findOneByOrFail({ id: broker.providerId! });
      const result = await retryBusy(() =>
        offerAgreements(procurement, {
          legalBasis: "voucher_421g",
          validFrom: day,
          providerIds: [provider.id],
        })
      );
      if (!result.offered.length) throw new Error(`Vereinbarung nicht angeboten: ${JSON.stringify(result.skipped)}`);
      agreement = await current();
    }
    if (!agreement) throw new Error("Keine Vereinbarung für DEMO-B-0001");
    if (agreement.status === "offered") await retryBusy(() => acceptAgreement(broker, agreement!.id));

    const client = (suffix: string) => ({
      firstName: "Erika",
      lastName: `Mustermann-${suffix}`,
      birthDate: "1980-05-17",
      street: "Am Markt 3",
      postalCode: "01917",
      city: "Kamenz",
      phone: "03578 123456",
      email: `erika.${suffix.toLowerCase()}@example.org`,
      region: "Kamenz",
      targetGroups: ["long_term_unemployed"],
      qualification: "Kauffrau für Büromanagement",
      targetOccupation: "Bürokauffrau",
      monthlyBenefit: BENEFIT,
      householdSize: "3",
      healthNotes: HEALTH_MARKER,
    });
    const assign = async (suffix: string, consent: boolean) => {
      const c = await retryBusy(() => createClient(caseManager, client(suffix)));
      const a = await retryBusy(() =>
        assignClient(caseManager, c.id, {
          providerId: String(broker.providerId),
          validFrom: day,
          region: "Landkreis Bautzen",
          ...(consent ? { consent: "on" } : {}),
        })
      );
      return { c, a };
    };
    const withConsent = await assign("Einwilligung", true);
    const without = await assign("OhneEinwilligung", false);
    const forJson = await assign("Json", false);
    return {
      today: day,
      legalBasis: agreement.legalBasis,
      consent: {
        assignmentId: withConsent.a.id,
        reference: withConsent.a.reference,
        client: withConsent.c.reference,
        name: `${withConsent.c.firstName} ${withConsent.c.lastName}`,
        email: withConsent.c.email,
      },
      noConsent: {
        assignmentId: without.a.id,
        reference: without.a.reference,
        client: without.c.reference,
        lastName: without.c.lastName,
      },
      json: { assignmentId: forJson.a.id, reference: forJson.a.reference },
    };
  });
}, 180_000);

afterAll(async () => {
  if (process.env.DEBUG_SERVER_OUTPUT) console.log(server?.output());
  await server?.stop();
});

describe("GET /api/v1/assignments", () => {
  it("shows the own assignments; name and contact only with consent; never benefit, household or health data", async () => {
    // Every page of the list (100 per page, the documented maximum).
    let text = "";
    const items: unknown[] = [];
    for (let page = 1; ; page++) {
      const res = await api(`/api/v1/assignments?status=all&pageSize=100&page=${page}`, { token: brokerToken });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      const pageText = await res.text();
      text += pageText;
      const body = JSON.parse(pageText) as { items: unknown[]; pages: number; pageSize: number };
      expect(body.pageSize).toBe(100);
      items.push(...body.items);
      if (page >= body.pages) break;
    }
    const rows = items as {
      assignmentId: number;
      assignment: string;
      client: string;
      name: string | null;
      contact: { email: string } | null;
      qualification: string;
      targetOccupation: string;
      maxFeeCents: number;
    }[];

    const withConsent = rows.find((r) => r.assignmentId === setup.consent.assignmentId);
    expect(withConsent).toMatchObject({
      assignment: setup.consent.reference,
      client: setup.consent.client,
      name: setup.consent.name,
      qualification: "Kauffrau für Büromanagement",
      targetOccupation: "Bürokauffrau",
    });
    expect(withConsent?.contact?.email).toBe(setup.consent.email);
    expect(withConsent?.maxFeeCents).toBeGreaterThan(0);

    const without = rows.find((r) => r.assignmentId === setup.noConsent.assignmentId);
    expect(without).toMatchObject({
      assignment: setup.noConsent.reference,
      client: setup.noConsent.client,
      name: null,
      contact: null,
    });
    expect(text).not.toContain(setup.noConsent.lastName);

    for (const forbidden of ["monthlyBenefitCents", "householdSize", "healthNotes", "targetGroups", "birthDate", "consentAt", HEALTH_MARKER, "56300"]) expect(text, forbidden).not.toContain(forbidden);
  });

  it("defaults to valid assignments and rejects an unknown status", async () => {
    const res = await api("/api/v1/assignments", { token: brokerToken });
    expect(res.status).toBe(200);
    const rows = ((await res.json()) as { items: unknown[] }).items as {
      status: string;
      assignmentId: number;
    }[];
    expect(rows.every((r) => r.status === "active")).toBe(true);
    expect(rows.map((r) => r.assignmentId)).toContain(setup.consent.assignmentId);

    const bad = await api("/api/v1/assignments?status=irgendwas", {
      token: brokerToken,
    });
    expect(bad.status).toBe(400);
    expect(isProblem(bad)).toBe(true);
    await bad.arrayBuffer();
  });

  it("a training provider's token is refused on the broker API (403 problem, in German)", async () => {
    for (const path of ["/api/v1/assignments?status=all", "/api/v1/placements"]) {
      const res = await api(path, { token: trainerToken });
      expect(res.status, path).toBe(403);
      expect(isProblem(res)).toBe(true);
      const text = await res.text();
      expect(text).toContain("Vermittlern");
      for (const ref of [setup.consent.reference, setup.consent.client]) expect(text).not.toContain(ref);
    }
  });

  it("another broker's user does not see these assignments", async () => {
    const res = await api("/api/v1/assignments?status=all", {
      token: otherToken,
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    for (const ref of [setup.consent.reference, setup.noConsent.reference, setup.json.reference, setup.consent.client]) expect(text).not.toContain(ref);
  });
});

describe("POST /api/v1/placements", () => {
  let claimId: number;

  it("accepts a valid multipart submission (201) and returns it on GET", async () => {
    const form = multipart(placement(setup.consent.assignmentId), {
      employmentContract: { bytes: validPdf, name: "Arbeitsvertrag.pdf" },
      employerConfirmation: {
        bytes: await makePdf("Bestätigung"),
        name: "Bestaetigung.pdf",
      },
      brokerContract: {
        bytes: await makePdf("Vermittlungsvertrag"),
        name: "Vermittlungsvertrag.pdf",
      },
    });
    const res = await api("/api/v1/placements", {
      token: brokerToken,
      method: "POST",
      body: form,
    });
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(201);
    expect(body).toMatchObject({
      status: "submitted",
      statusLabel: "eingereicht",
    });
    expect(body.reference).toMatch(/^VN-\d{4}-\d{5}$/);
    expect(body.location).toBe(`/api/v1/placements/${body.id}`);
    expect(res.headers.get("location")).toBe(body.location);
    claimId = body.id;

    const one = await api(body.location, { token: brokerToken });
    expect(one.status).toBe(200);
    const text = await one.text();
    const claim = JSON.parse(text);
    expect(claim).toMatchObject({
      id: claimId,
      reference: body.reference,
      status: "submitted",
      channel: "api",
      assignment: {
        id: setup.consent.assignmentId,
        reference: setup.consent.reference,
      },
      client: { reference: setup.consent.client, name: setup.consent.name },
      employer: {
        name: "Lausitzer Metallbau GmbH",
        postalCode: "02977",
        manager: "Petra Schuster",
      },
      contractDate: setup.today,
      jobStart: addDays(setup.today, 14),
      brokerContractDate: addDays(setup.today, -20),
      weeklyHours: 38.5,
      insured: true,
      rules: [],
      instalments: [],
    });
    expect(claim.claimedFeeCents).toBeGreaterThan(0);
    expect((claim.documents as { kind: string; id: number }[]).map((d) => d.kind).sort()).toEqual(["broker_contract", "employer_confirmation", "employment_contract"]);
    for (const forbidden of ["clientId", "severeDisabilityException", "healthNotes", HEALTH_MARKER]) expect(text).not.toContain(forbidden);

    const list = await api("/api/v1/placements", { token: brokerToken });
    expect(list.status).toBe(200);
    const page = (await list.json()) as {
      items: { id: number; reference: string }[];
      total: number;
      page: number;
    };
    expect(page.page).toBe(1);
    expect(page.items.map((r) => r.id)).toContain(claimId);
    const filtered = (await (await api("/api/v1/placements?status=rejected", { token: brokerToken })).json()) as { items: { id: number }[] };
    expect(filtered.items.map((r) => r.id)).not.toContain(claimId);
  });

  it("answers 422 with the German rule message when the hours are under 15", async () => {
    // abroad: the hours rule applies under § 421g a.F. to every job and under AVGS to jobs in the EU/EEA.
    const form = multipart(
      placement(setup.noConsent.assignmentId, {
        weeklyHours: 14.5,
        abroad: true,
        employerName: "Grenzland Logistik s.r.o.",
      }),
      {
        employmentContract: { bytes: validPdf, name: "Arbeitsvertrag.pdf" },
        employerConfirmation: { bytes: validPdf, name: "Bestaetigung.pdf" },
        brokerContract: { bytes: validPdf, name: "Vermittlungsvertrag.pdf" },
      }
    );
    const res = await api("/api/v1/placements", {
      token: brokerToken,
      method: "POST",
      body: form,
    });
    expect(res.status).toBe(422);
    expect(isProblem(res)).toBe(true);
    const body = await res.json();
    const message = "Wöchentliche Arbeitszeit 14,5 Std. liegt unter der Mindestarbeitszeit von 15 Std.";
    expect(body.status).toBe(422);
    expect(body.detail).toContain(message);
    expect(body.claim).toMatchObject({ status: "rejected" });
    expect(body.claim.reference).toMatch(/^VN-/);
    expect((body.rules as { code: string; message: string }[]).some((e) => e.code === "R2-hours" && e.message.startsWith(message))).toBe(true);
    expect(body.flags).toBeUndefined(); // review flags stay with the authority
    expect(res.headers.get("location")).toBe(`/api/v1/placements/${body.claim.id}`);

    // The rejected claim exists, with its reasons and the decision letter; no name without consent.
    const one = await api(`/api/v1/placements/${body.claim.id}`, {
      token: brokerToken,
    });
    expect(one.status).toBe(200);
    const claim = await one.json();
    expect(claim.status).toBe("rejected");
    expect(claim.client).toEqual({
      reference: setup.noConsent.client,
      name: null,
    });
    expect((claim.rules as { message: string }[]).map((e) => e.message).join(" ")).toContain(message);
    expect(claim.letters.length).toBeGreaterThanOrEqual(1);
  });

  it("refuses a text file renamed to .pdf (400 with the field error)", async () => {
    const fake = new TextEncoder().encode("Dies ist kein PDF, nur Text.\n");
    const form = multipart(placement(setup.consent.assignmentId), {
      employmentContract: { bytes: fake, name: "Arbeitsvertrag.pdf" },
      employerConfirmation: { bytes: validPdf, name: "Bestaetigung.pdf" },
    });
    const res = await api("/api/v1/placements", {
      token: brokerToken,
      method: "POST",
      body: form,
    });
    expect(res.status).toBe(400);
    expect(isProblem(res)).toBe(true);
    const body = await res.json();
    expect(body.errors.employmentContract).toMatch(/PDF/);
    expect(body.errors.employerConfirmation).toBeUndefined();
    expect(body.errors.brokerContract).toMatch(/Vermittlungsvertrag/); // required, not sent here
  });

  it("refuses an HTML page that merely starts with %PDF- as the employment contract (400 with the field error)", async () => {
    const html = new TextEncoder().encode("%PDF-1.4\n<html><body><h1>Arbeitsvertrag</h1></body></html>\n");
    const form = multipart(placement(setup.consent.assignmentId), {
      employmentContract: { bytes: html, name: "Arbeitsvertrag.pdf" },
      employerConfirmation: { bytes: validPdf, name: "Bestaetigung.pdf" },
      brokerContract: { bytes: validPdf, name: "Vermittlungsvertrag.pdf" },
    });
    const res = await api("/api/v1/placements", { token: brokerToken, method: "POST", body: form });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.errors).toEqual({ employmentContract: "Der Arbeitsvertrag muss eine PDF-Datei sein (der Inhalt ist kein PDF)." });
  });

  it("requires the three PDFs in a multipart submission and reports invalid fields", async () => {
    const form = multipart(
      placement(setup.consent.assignmentId, {
        employerName: "",
        contractDate: "31.02.2026",
        weeklyHours: "viel",
      }),
      {}
    );
    const res = await api("/api/v1/placements", {
      token: brokerToken,
      method: "POST",
      body: form,
    });
    expect(res.status).toBe(400);
    const body = await res.json();
    // Keyed by the request's own names: the fields of the JSON part "placement".
    expect(body.errors).toEqual({
      "placement.contractDate": "Datum im Format JJJJ-MM-TT angeben.",
      "placement.weeklyHours": "Erwartet wird eine Zahl, nicht Text.",
    });
    const empty = await api("/api/v1/placements", { token: brokerToken, method: "POST", body: multipart(placement(setup.consent.assignmentId, { employerName: "" }), {}) });
    expect(empty.status).toBe(400);
    expect((await empty.json()).errors).toMatchObject({ "placement.employerName": "Bitte den Arbeitgeber angeben." });

    const noFiles = await api("/api/v1/placements", {
      token: brokerToken,
      method: "POST",
      body: multipart(placement(setup.consent.assignmentId), {}),
    });
    expect(noFiles.status).toBe(400);
    const b2 = await noFiles.json();
    expect(b2.errors.employmentContract).toMatch(/Arbeitsvertrag/);
    expect(b2.errors.employerConfirmation).toMatch(/Bestätigung/);
    expect(b2.errors.brokerContract).toMatch(/Vermittlungsvertrag/);

    const badJson = new FormData();
    badJson.append("placement", "{kein json");
    const r3 = await api("/api/v1/placements", {
      token: brokerToken,
      method: "POST",
      body: badJson,
    });
    expect(r3.status).toBe(400);
    expect((await r3.json()).detail).toMatch(/placement/);
  });

  it("strict JSON input: wrong types, a non-positive fee, a future contract date and over-long text answer 400 naming the field in German; nothing is filed", async () => {
    const post = (overrides: Record<string, unknown>) =>
      api("/api/v1/placements", {
        token: brokerToken,
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(placement(setup.json.assignmentId, overrides)),
      });
    const before = (await (await api("/api/v1/placements", { token: brokerToken })).json()) as { total?: number; items?: unknown[] } | unknown[];
    const count = (b: typeof before) => (Array.isArray(b) ? b.length : b.total ?? b.items?.length ?? 0);
    const cases: [Record<string, unknown>, Record<string, string>][] = [
      [{ insured: "yes" }, { insured: "Bitte ja oder nein angeben (true oder false)." }],
      [{ insured: 1 }, { insured: "Bitte ja oder nein angeben (true oder false)." }],
      [{ insured: "true" }, { insured: "Bitte ja oder nein angeben (true oder false)." }],
      [{ insured: undefined }, { insured: "Angabe fehlt (true oder false)." }],
      [{ abroad: [true] }, { abroad: "Bitte ja oder nein angeben (true oder false)." }],
      [{ claimedFeeCents: -100 }, { claimedFeeCents: "Die Vergütung muss größer als 0,00 € sein." }],
      [{ claimedFeeCents: 0 }, { claimedFeeCents: "Die Vergütung muss größer als 0,00 € sein." }],
      [{ claimedFeeCents: 1500.5 }, { claimedFeeCents: "Bitte den Betrag in Cent als ganze Zahl angeben, z. B. 200000." }],
      [{ claimedFeeCents: "1.500,00" }, { claimedFeeCents: "Bitte den Betrag in Cent als ganze Zahl angeben, z. B. 200000." }],
      // The euro field of earlier versions is refused, never read as "no fee given".
      [{ claimedFee: 1500 }, { claimedFee: "Dieses Feld gibt es nicht." }],
      [{ weeklyHours: "38,5" }, { weeklyHours: "Erwartet wird eine Zahl, nicht Text." }],
      [{ contractDate: de(setup.today) }, { contractDate: "Datum im Format JJJJ-MM-TT angeben." }],
      [{ contractDate: addDays(setup.today, 1), jobStart: addDays(setup.today, 14) }, { contractDate: `Datum des Arbeitsvertrags ${de(addDays(setup.today, 1))} liegt in der Zukunft; spätestens ${de(setup.today)}.` }],
      [{ occupation: "x".repeat(201) }, { occupation: "Höchstens 200 Zeichen." }],
      [{ employerName: ["Lausitzer", "Metallbau"] }, { employerName: "Erwartet wird Text, nicht eine Liste." }],
      [{ assignmentId: [setup.json.assignmentId] }, { assignmentId: "Erwartet wird eine Zahl, nicht eine Liste." }],
    ];
    for (const [overrides, errors] of cases) {
      const res = await post(overrides);
      const body = await res.json();
      expect(res.status, JSON.stringify(overrides)).toBe(400);
      expect(isProblem(res)).toBe(true);
      expect(body.errors, JSON.stringify(overrides)).toEqual(errors);
    }
    expect(count((await (await api("/api/v1/placements", { token: brokerToken })).json()) as typeof before)).toBe(count(before));
  });

  it("accepts application/json without files (the documents follow in the portal)", async () => {
    const res = await api("/api/v1/placements", {
      token: brokerToken,
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(
        placement(setup.json.assignmentId, {
          employerName: "Kamenzer Bäckerei Lehmann",
          weeklyHours: 30,
          claimedFeeCents: 150000,
          insured: true,
        })
      ),
    });
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(201);
    expect(body.status).toBe("submitted");
    const claim = await (await api(body.location, { token: brokerToken })).json();
    expect(claim).toMatchObject({
      weeklyHours: 30,
      claimedFeeCents: 150000,
      documents: [],
    });
  });

  it("another broker's token cannot read the claim (404), a training provider's gets 403; without a token 401", async () => {
    const foreign = await api(`/api/v1/placements/${claimId}`, {
      token: otherToken,
    });
    expect(foreign.status).toBe(404);
    expect(isProblem(foreign)).toBe(true);
    const text = await foreign.text();
    expect(text).not.toContain("Lausitzer Metallbau");

    const trainer = await api(`/api/v1/placements/${claimId}`, { token: trainerToken });
    expect(trainer.status).toBe(403);
    expect(isProblem(trainer)).toBe(true);
    expect(await trainer.text()).not.toContain("Lausitzer Metallbau");

    const foreignList = await (await api("/api/v1/placements", { token: otherToken })).json();
    expect((foreignList.items as { id: number }[]).map((r) => r.id)).not.toContain(claimId);

    for (const [path, method] of [
      ["/api/v1/assignments", "GET"],
      ["/api/v1/placements", "GET"],
      ["/api/v1/placements", "POST"],
      [`/api/v1/placements/${claimId}`, "GET"],
    ] as const) {
      const res = await api(path, {
        method,
        headers: method === "POST" ? { "Content-Type": "application/json" } : {},
        body: method === "POST" ? "{}" : undefined,
      });
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(isProblem(res)).toBe(true);
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
      await res.arrayBuffer();
    }
    // Staff have no broker API.
    const staff = await api("/api/v1/placements", { token: staffToken });
    expect(staff.status).toBe(403);
    await staff.arrayBuffer();
    // Unknown or malformed ids.
    for (const id of ["999999", "abc"]) {
      const res = await api(`/api/v1/placements/${id}`, { token: brokerToken });
      expect(res.status).toBe(404);
      await res.arrayBuffer();
    }
  });

  it("answers 413 for an oversize file and 415 for other content types", async () => {
    const big = new Uint8Array(1_200_000);
    big.set(new TextEncoder().encode("%PDF-1.4\n"));
    const form = multipart(placement(setup.consent.assignmentId), {
      employmentContract: { bytes: big, name: "gross.pdf" },
      employerConfirmation: { bytes: validPdf, name: "Bestaetigung.pdf" },
    });
    const res = await api("/api/v1/placements", {
      token: brokerToken,
      method: "POST",
      body: form,
    });
    expect(res.status).toBe(413);
    expect(isProblem(res)).toBe(true);
    expect((await res.json()).detail).toMatch(/1 MB/);

    const text = await api("/api/v1/placements", {
      token: brokerToken,
      method: "POST",
      headers: { "Content-Type": "text/plain" },
      body: "hallo",
    });
    expect(text.status).toBe(415);
    expect(isProblem(text)).toBe(true);
    await text.arrayBuffer();
  });

  it("GET-only endpoints answer POST with 405", async () => {
    for (const path of ["/api/v1/assignments", `/api/v1/placements/${claimId}`]) {
      const res = await api(path, {
        token: brokerToken,
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: "{}",
      });
      expect(res.status).toBe(405);
      expect(isProblem(res)).toBe(true);
      await res.arrayBuffer();
    }
  });

  it("the OpenAPI document describes the new endpoints", async () => {
    const doc = await (await api("/api/v1/openapi.json")).json();
    expect(doc.paths["/assignments"].get).toBeTruthy();
    expect(doc.paths["/placements"].post.responses["422"]).toBeTruthy();
    expect(doc.paths["/placements/{id}"].get.responses["404"]).toBeTruthy();
  });
});
