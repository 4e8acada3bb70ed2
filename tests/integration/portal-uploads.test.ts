import { PDFDocument } from "pdf-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loginCookie, startServer, type TestServer } from "../setup/server";
import { retryBusy, withServerDb } from "../setup/server-tools";

/**
 * The portal's claim form (/portal/placements/new) with an oversize file: the answer is the form
 * again (400) with a field error for the file and everything typed filled in, nothing is stored;
 * a submission within the limit still goes through. Uses an active assignment of DEMO-B-0001 from
 * the demo data of the first start and lowers uploads.maxMegabytes to 1. Requires a current build.
 */

const BROKER = "vermittler@jobbruecke-kamenz.example";
const EMPLOYER = "Upload-Probe Metallbau GmbH";

let server: TestServer;
let cookie: string;
let assignmentIds: number[];
let today: string;
let smallPdf: Uint8Array;

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

/** A "PDF" of `bytes` bytes: the PDF header, then padding. */
function bigPdf(bytes: number): Uint8Array {
  const big = new Uint8Array(bytes);
  big.set(new TextEncoder().encode("%PDF-1.4\n"));
  return big;
}

/** The claim form's text fields as a browser sends them (dates as YYYY-MM-DD, checkboxes "on"). */
function fields(assignmentId: number, employerName: string): [string, string][] {
  return [
    ["assignmentId", String(assignmentId)],
    ["employerName", employerName],
    ["employerStreet", "Industriestraße 12"],
    ["employerPostalCode", "02977"],
    ["employerCity", "Hoyerswerda"],
    ["employerVatId", ""],
    ["employerIban", ""],
    ["employerManager", "Petra Schuster"],
    ["contractDate", today],
    ["jobStart", addDays(today, 14)],
    ["weeklyHours", "38,5"],
    ["fixedTermEnd", ""],
    ["occupation", "Metallbauer"],
    ["insured", "on"],
    ["brokerContractDate", addDays(today, -20)],
    ["jobOfferDate", ""],
    ["claimedFee", ""],
  ];
}

function claimForm(text: [string, string][], files: Record<string, Uint8Array>, filesFirst = false): FormData {
  const form = new FormData();
  const addText = () => text.forEach(([k, v]) => form.append(k, v));
  const addFiles = () => Object.entries(files).forEach(([k, bytes]) => form.append(k, new Blob([Buffer.from(bytes)], { type: "application/pdf" }), `${k}.pdf`));
  if (filesFirst) {
    addFiles();
    addText();
  } else {
    addText();
    addFiles();
  }
  return form;
}

async function post(form: FormData): Promise<Response> {
  return fetch(`${server.baseUrl}/portal/placements/new`, {
    method: "POST",
    redirect: "manual",
    headers: { Cookie: cookie, Origin: server.baseUrl },
    body: form,
  });
}

async function claimsOf(employerName: string): Promise<number> {
  return withServerDb(server, async () => {
    const { em } = await import("../setup/db");
    const { PlacementClaim } = await import("../../entities");
    return (await em()).getRepository(PlacementClaim).count({ where: { employerName } });
  });
}

beforeAll(async () => {
  server = await startServer({ env: { TRUST_PROXY: "" } });
  smallPdf = await makePdf("Unterlage");
  ({ assignmentIds, today } = await withServerDb(server, async () => {
    const { em } = await import("../setup/db");
    const { nowIso } = await import("~/lib/clock.server");
    const { today } = await import("~/lib/clock.server");
    const { Assignment, PlacementClaim, Setting, User } = await import("../../entities");
    const m = await em();
    const day = today();
    await retryBusy(() => m.getRepository(Setting).save({ key: "uploads.maxMegabytes", value: 1, updatedAt: nowIso(), updatedById: null }));
    // Active assignments of DEMO-B-0001 (demo data of the first start) without a claim yet.
    const broker = await m.getRepository(User).findOneOrFail({ where: { email: BROKER } });
    const claimed = new Set((await m.getRepository(PlacementClaim).find({ where: { providerId: broker.providerId! } })).map((c) => c.assignmentId));
    const free = (await m.getRepository(Assignment).find({ where: { providerId: broker.providerId!, status: "active" }, order: { id: "ASC" } })).filter(
      (a) => a.validFrom <= day && a.validUntil >= day && !claimed.has(a.id),
    );
    if (free.length < 1) throw new Error("Keine freie aktive Zuweisung für DEMO-B-0001 in den Demodaten");
    return { assignmentIds: free.map((a) => a.id), today: day };
  }));
  cookie = await loginCookie(server.baseUrl, BROKER);
}, 180_000);

afterAll(async () => {
  if (process.env.DEBUG_SERVER_OUTPUT) console.log(server?.output());
  await server?.stop();
});

describe("claim form with an oversize file", () => {
  it("answers 400 with the field error and everything typed, stores nothing", async () => {
    const employer = `${EMPLOYER} A`;
    const res = await post(
      claimForm(fields(assignmentIds[0], employer), {
        employmentContract: bigPdf(1_500_000),
        employerConfirmation: smallPdf,
        brokerContract: smallPdf,
      }),
    );
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain("Die Datei ist größer als 1 MB.");
    expect(html).toContain("Bitte wählen Sie die Dateien erneut aus.");
    // The typed values are filled in again.
    expect(html).toContain(`value="${employer}"`);
    expect(html).toContain('value="Industriestraße 12"');
    expect(html).toContain('value="38,5"');
    expect(html).toContain(`value="${addDays(today, 14)}"`);
    expect(html).toMatch(new RegExp(`<option value="${assignmentIds[0]}" selected`));
    // The error sits at the oversize file, not at the others.
    expect(html).toMatch(/id="f-employmentContract-error"[^>]*>Die Datei ist größer als 1 MB\./);
    expect(html).not.toContain('id="f-employerConfirmation-error"');
    expect(await claimsOf(employer)).toBe(0);
  });

  it("keeps fields that follow the oversize file in the body", async () => {
    const employer = `${EMPLOYER} B`;
    const res = await post(
      claimForm(
        fields(assignmentIds[0], employer),
        { employmentContract: bigPdf(1_500_000), employerConfirmation: bigPdf(1_100_000), brokerContract: smallPdf },
        true,
      ),
    );
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain(`value="${employer}"`);
    expect(html).toContain('value="Metallbauer"');
    expect(html).toContain("2 Dateien sind zu groß");
    expect(html).toMatch(/id="f-employerConfirmation-error"[^>]*>Die Datei ist größer als 1 MB\./);
    expect(await claimsOf(employer)).toBe(0);
  });

  it("a submission within the limit is stored and redirects to the claim", async () => {
    const employer = `${EMPLOYER} C`;
    const res = await post(
      claimForm(fields(assignmentIds[0], employer), {
        employmentContract: smallPdf,
        employerConfirmation: smallPdf,
        brokerContract: smallPdf,
      }),
    );
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toMatch(/^\/portal\/placements\/\d+$/);
    await res.arrayBuffer();
    expect(await claimsOf(employer)).toBe(1);
  });
});

describe("claim form that fails for a reason other than the files (issue 8, item 15)", () => {
  it("keeps the good files server-side; the second attempt sends only their tokens and goes through", async () => {
    const employer = `${EMPLOYER} D`;
    const assignmentId = assignmentIds[1] ?? assignmentIds[0];
    const tomorrow = addDays(today, 1);
    const htmlAsPdf = new TextEncoder().encode("%PDF-1.4\n<html><body>Bestätigung</body></html>\n");
    const first = await post(
      claimForm(
        fields(assignmentId, employer).map(([k, v]): [string, string] => (k === "contractDate" ? [k, tomorrow] : [k, v])),
        { employmentContract: await makePdf("Arbeitsvertrag D"), employerConfirmation: htmlAsPdf, brokerContract: await makePdf("Vermittlungsvertrag D") },
      ),
    );
    expect(first.status).toBe(400);
    const html = await first.text();
    expect(html).toContain(`value="${employer}"`);
    // A date in the future: the schema refuses it before the files are looked at.
    expect(html).toContain("liegt in der Zukunft");
    const token = (name: string) => new RegExp(`name="${name}Token" value="([0-9a-f]{32})"`).exec(html)?.[1] ?? null;
    expect(token("employmentContract")).not.toBeNull();
    expect(token("brokerContract")).not.toBeNull();
    expect(html).toContain("Bereits hochgeladen: employmentContract.pdf");
    expect(html).toContain("Bereits hochgeladen: brokerContract.pdf");
    expect(await claimsOf(employer)).toBe(0);

    // Second attempt: the date fixed, the kept files by token only, the confirmation chosen anew.
    const form = claimForm(fields(assignmentId, employer), { employerConfirmation: await makePdf("Bestätigung D") });
    form.append("employmentContractToken", token("employmentContract")!);
    form.append("brokerContractToken", token("brokerContract")!);
    // The HTML "PDF" was not kept: its field has no token.
    expect(token("employerConfirmation")).toBeNull();
    const second = await post(form);
    expect(second.status).toBe(302);
    await second.arrayBuffer();
    const stored = await withServerDb(server, async () => {
      const { em } = await import("../setup/db");
      const { ClaimDocument, Document, PlacementClaim } = await import("../../entities");
      const m = await em();
      const claim = await m.getRepository(PlacementClaim).findOneOrFail({ where: { employerName: employer } });
      const links = await m.getRepository(ClaimDocument).find({ where: { claimId: claim.id } });
      const docs = await Promise.all(links.map((l) => m.getRepository(Document).findOneOrFail({ where: { id: l.documentId } })));
      return { kinds: links.map((l) => l.kind).sort(), filenames: docs.map((d) => d.filename).sort() };
    });
    expect(stored.kinds).toEqual(["broker_contract", "employer_confirmation", "employment_contract"]);
    expect(stored.filenames).toEqual(["brokerContract.pdf", "employerConfirmation.pdf", "employmentContract.pdf"]);

    // Used tokens are gone: a third attempt with them has no files.
    const third = claimForm(fields(assignmentId, `${employer} nochmals`), {});
    third.append("employmentContractToken", token("employmentContract")!);
    const again = await post(third);
    expect(again.status).toBe(400);
    expect(await again.text()).toMatch(/id="f-employmentContract-error"[^>]*>Bitte laden Sie den Arbeitsvertrag als PDF hoch\./);
  });
});

describe("claim form sent twice (double click, resend after a dropped connection; ADR 0016)", () => {
  it("the same form with its submission key files one claim; both answers lead to it; other content under the key is refused", async () => {
    const page = await fetch(`${server.baseUrl}/portal/placements/new`, { headers: { Cookie: cookie } });
    expect(page.status).toBe(200);
    const key = /name="submissionKey" value="([0-9a-f-]{36})"/.exec(await page.text())?.[1];
    expect(key).toBeTruthy();
    const employer = `${EMPLOYER} E`;
    const assignmentId = assignmentIds[2] ?? assignmentIds[0];
    const form = () => {
      const f = claimForm(fields(assignmentId, employer), { employmentContract: smallPdf, employerConfirmation: smallPdf, brokerContract: smallPdf });
      f.append("submissionKey", key!);
      return f;
    };
    const [first, second] = await Promise.all([post(form()), post(form())]);
    await Promise.all([first.arrayBuffer(), second.arrayBuffer()]);
    expect([first.status, second.status]).toEqual([302, 302]);
    expect(first.headers.get("location")).toMatch(/^\/portal\/placements\/\d+$/);
    expect(second.headers.get("location")).toBe(first.headers.get("location"));
    expect(await claimsOf(employer)).toBe(1);

    // The same key with other content (the form edited after sending): a message, nothing filed.
    const edited = claimForm(fields(assignmentId, `${employer} geändert`), { employmentContract: smallPdf, employerConfirmation: smallPdf, brokerContract: smallPdf });
    edited.append("submissionKey", key!);
    const refused = await post(edited);
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain("Dieses Formular wurde bereits mit anderen Angaben abgeschickt.");
    expect(await claimsOf(`${employer} geändert`)).toBe(0);
  });
});
