/**
 * npx tsx scripts/bench-sepa.ts: speed of the SEPA building blocks for a run of 5,000
 * payments, each as a ratio to a bare baseline measured in the same process (no timed
 * assertions; read the numbers).
 *   1. buildCreditTransfer (validation, transliteration, exact sums) vs. the same XML string
 *      from a bare template-literal loop
 *   2. renderPaymentRunListPdf (template, wrapping table, letterhead, page x of y) vs. the same
 *      table drawn with pdf-lib directly (fixed columns, text cut to fit)
 */
import fs from "node:fs";
import path from "node:path";
import fontkit from "@pdf-lib/fontkit";
import { PDFDocument, rgb } from "pdf-lib";
import { ibanMod97 } from "../app/domain/iban";
import { formatCents } from "../app/domain/money";
import { buildCreditTransfer, formatSepaAmount, type CreditTransferInput } from "../app/domain/sepa";
import { renderPaymentRunListPdf, type RunListData } from "../app/lib/payment-pdf.server";

const N = 5000;

function deIban(account: number): string {
  const bban = "37040044" + String(account).padStart(10, "0");
  return `DE${String(98 - ibanMod97(`DE00${bban}`)).padStart(2, "0")}${bban}`;
}

function fixture(): { input: CreditTransferInput; list: RunListData } {
  const payments = Array.from({ length: N }, (_, i) => ({
    endToEndId: `ZL-2026-0001-${String(i + 1).padStart(5, "0")}`,
    amountCents: 1 + ((i * 7919) % 250_000),
    creditorName: `Bildungsträger Müller & Söhne ${i + 1} gGmbH`,
    creditorIban: deIban(532013000 + i),
    creditorBic: i % 3 === 0 ? "COBADEFFXXX" : null,
    remittance: `Rechnung RE-2026-${i + 1} vom 01.03.2026`,
  }));
  const input: CreditTransferInput = {
    messageId: "ZL-2026-0001",
    createdAt: "2026-03-05T10:00:00Z",
    initiatingPartyName: "Jobcenter Musterstadt",
    debtor: { name: "Stadtkasse Musterstadt", iban: "DE89370400440532013000", bic: "COBADEFFXXX" },
    executionDate: "2026-03-06",
    payments,
  };
  const list: RunListData = {
    runReference: "ZL-2026-0001",
    executionDate: input.executionDate,
    debtor: { name: input.debtor.name, iban: input.debtor.iban, bic: input.debtor.bic ?? null },
    messageId: input.messageId,
    fileSha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    count: N,
    ctrlSumCents: payments.reduce((s, p) => s + p.amountCents, 0),
    items: payments.map((p) => ({ payeeName: p.creditorName, payeeIban: p.creditorIban, endToEndId: p.endToEndId, remittance: p.remittance, amountCents: p.amountCents })),
    generatedAt: "2026-03-05T10:05:00Z",
  };
  return { input, list };
}

/** Baseline: the same document shape, no validation, no transliteration, no escaping. */
function bareXml(input: CreditTransferInput): string {
  let sum = 0;
  let tx = "";
  for (const p of input.payments) {
    sum += p.amountCents;
    tx += `<CdtTrfTxInf><PmtId><EndToEndId>${p.endToEndId}</EndToEndId></PmtId><Amt><InstdAmt Ccy="EUR">${formatSepaAmount(p.amountCents)}</InstdAmt></Amt>${p.creditorBic ? `<CdtrAgt><FinInstnId><BICFI>${p.creditorBic}</BICFI></FinInstnId></CdtrAgt>` : ""}<Cdtr><Nm>${p.creditorName}</Nm></Cdtr><CdtrAcct><Id><IBAN>${p.creditorIban}</IBAN></Id></CdtrAcct><RmtInf><Ustrd>${p.remittance}</Ustrd></RmtInf></CdtTrfTxInf>`;
  }
  const n = input.payments.length;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"><CstmrCdtTrfInitn><GrpHdr><MsgId>${input.messageId}</MsgId><CreDtTm>${input.createdAt}</CreDtTm><NbOfTxs>${n}</NbOfTxs><CtrlSum>${formatSepaAmount(sum)}</CtrlSum><InitgPty><Nm>${input.initiatingPartyName}</Nm></InitgPty></GrpHdr><PmtInf><PmtInfId>${input.messageId}</PmtInfId><PmtMtd>TRF</PmtMtd><NbOfTxs>${n}</NbOfTxs><CtrlSum>${formatSepaAmount(sum)}</CtrlSum><PmtTpInf><SvcLvl><Cd>SEPA</Cd></SvcLvl></PmtTpInf><ReqdExctnDt><Dt>${input.executionDate}</Dt></ReqdExctnDt><Dbtr><Nm>${input.debtor.name}</Nm></Dbtr><DbtrAcct><Id><IBAN>${input.debtor.iban}</IBAN></Id></DbtrAcct><DbtrAgt><FinInstnId><BICFI>${input.debtor.bic}</BICFI></FinInstnId></DbtrAgt><ChrgBr>SLEV</ChrgBr>${tx}</PmtInf></CstmrCdtTrfInitn></Document>\n`;
}

/** Baseline: the run list's table drawn with pdf-lib directly (DejaVu subset, fixed columns, no wrapping). */
async function directPdf(list: RunListData): Promise<Uint8Array> {
  const dir = path.join(process.cwd(), "node_modules", "dejavu-fonts-ttf", "ttf");
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const font = await doc.embedFont(fs.readFileSync(path.join(dir, "DejaVuSans.ttf")), { subset: true });
  const bold = await doc.embedFont(fs.readFileSync(path.join(dir, "DejaVuSans-Bold.ttf")), { subset: true });
  const size = 7.5;
  const cols = [
    { title: "Nr.", x: 40, w: 28 },
    { title: "Zahlungsempfänger", x: 68, w: 140 },
    { title: "IBAN", x: 208, w: 105 },
    { title: "Ende-zu-Ende-Referenz", x: 313, w: 95 },
    { title: "Verwendungszweck", x: 408, w: 100 },
    { title: "Betrag", x: 508, w: 50 },
  ];
  // No measuring (that is what costs): cut each cell to the characters its column holds at 7.5 pt.
  const fit = (text: string, w: number) => text.slice(0, Math.floor(w / 4.6));
  let page = doc.addPage([595.28, 841.89]);
  let y = 800;
  const header = () => {
    page.drawText(`Zahllaufliste ${list.runReference}`, { x: 40, y: 810, size: 12, font: bold });
    y = 790;
    for (const c of cols) page.drawText(c.title, { x: c.x, y, size, font: bold });
    y -= 12;
  };
  header();
  list.items.forEach((item, i) => {
    if (y < 50) {
      page = doc.addPage([595.28, 841.89]);
      header();
    }
    const cells = [String(i + 1), item.payeeName, item.payeeIban, item.endToEndId, item.remittance, formatCents(item.amountCents)];
    cells.forEach((cell, c) => page.drawText(fit(cell, cols[c].w), { x: cols[c].x, y, size, font, color: rgb(0.1, 0.1, 0.1) }));
    y -= 10;
  });
  return doc.save();
}

async function time<T>(runs: number, fn: () => T | Promise<T>): Promise<{ ms: number; last: T }> {
  let last = await fn(); // warm-up
  const start = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) last = await fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6 / runs, last };
}

const fmt = (ms: number) => `${ms.toFixed(1).replace(".", ",")} ms`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(1).replace(".", ",")}×`;

export async function benchSepaPrimitives(): Promise<{ sepaMs: number; bareMs: number; listMs: number; directMs: number; listPages: number }> {
  const { input, list } = fixture();
  console.log(`SEPA-Bausteine, ${N.toLocaleString("de-DE")} Zahlungen`);

  const sepa = await time(10, () => buildCreditTransfer(input));
  const bare = await time(10, () => bareXml(input));
  console.log(`  pain.001 mit buildCreditTransfer            ${fmt(sepa.ms).padStart(12)}  (${(sepa.last.xml.length / 1024).toFixed(0)} KB)`);
  console.log(`  pain.001 als bloße Template-Schleife        ${fmt(bare.ms).padStart(12)}  (${(bare.last.length / 1024).toFixed(0)} KB)`);
  console.log(`  Verhältnis (Prüfung, Umschrift, Summen)     ${ratio(sepa.ms, bare.ms).padStart(12)}`);

  const pdf = await time(1, () => renderPaymentRunListPdf(list, { authority: "Jobcenter Musterstadt", address: "Am Markt 1, 01917 Kamenz", contact: "Telefon 03578 7870", footer: "Jobcenter Musterstadt" }));
  const direct = await time(1, () => directPdf(list));
  const listPages = (await PDFDocument.load(pdf.last)).getPageCount();
  const directPages = (await PDFDocument.load(direct.last)).getPageCount();
  console.log(`  Zahllaufliste mit renderPaymentRunListPdf   ${fmt(pdf.ms).padStart(12)}  (${listPages} Seiten, ${(pdf.last.length / 1024).toFixed(0)} KB)`);
  console.log(`  dieselbe Tabelle direkt mit pdf-lib         ${fmt(direct.ms).padStart(12)}  (${directPages} Seiten, ${(direct.last.length / 1024).toFixed(0)} KB)`);
  console.log(`  Verhältnis (Vorlage, Umbruch, Briefkopf)    ${ratio(pdf.ms, direct.ms).padStart(12)}`);
  return { sepaMs: sepa.ms, bareMs: bare.ms, listMs: pdf.ms, directMs: direct.ms, listPages };
}

if (process.argv[1] && /bench-sepa\.ts$/.test(process.argv[1])) {
  benchSepaPrimitives().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
