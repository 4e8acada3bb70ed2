import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fillMail } from "~/lib/mail-template.server";

const read = (name: string) => fs.readFileSync(path.join(__dirname, "..", "..", "templates", `${name}.md`), "utf8");

describe("fillMail", () => {
  it("takes the subject from the first line and the body after the blank line", () => {
    expect(fillMail("t", "Betreff: Zuschlag {{ref}}\n\nGuten Tag,\n\nLos {{lot}}.\n", { ref: "V-1", lot: 2 })).toEqual({ subject: "Zuschlag V-1", text: "Guten Tag,\n\nLos 2." });
  });

  it("refuses a template without a subject line and a missing placeholder", () => {
    expect(() => fillMail("t", "Guten Tag\n\nText", {})).toThrow(/Betreff/);
    expect(() => fillMail("t", "Betreff: {{ref}}\n\nText", {})).toThrow(/\{\{ref\}\}/);
    expect(() => fillMail("t", "Betreff: x\n\nText {{amount}}", { ref: "x" })).toThrow(/amount/);
  });

  it("keeps the subject on one line and at most 300 characters", () => {
    const long = fillMail("t", "Betreff: Neue Ausschreibung {{title}}\n\nx", { title: "Zeile 1\nZeile 2 " + "a".repeat(400) });
    expect(long.subject.startsWith("Neue Ausschreibung Zeile 1 Zeile 2 a")).toBe(true);
    expect(long.subject).toHaveLength(300);
  });
});

/** Every mail template with the data its service passes; the expected subjects are written out by hand. */
const CASES: [string, Record<string, string | number>, string, string][] = [
  ["mail-user-created", { name: "Erika Muster", role: "Vergabestelle", loginUrl: "https://vergabe.example/login" }, "Ihr Zugang zur Vergabe- und Trägerverwaltung", "Guten Tag Erika Muster,\n\nfür Sie wurde ein Zugang mit der Rolle „Vergabestelle“ eingerichtet.\nAnmeldung: https://vergabe.example/login mit"],
  ["mail-tender-published", { reference: "V-2027-001", title: "BaE Kamenz", measure: "BaE", offersUntil: "01.03.2027, 11:00 Uhr" }, "Neue Ausschreibung V-2027-001: BaE Kamenz", "Angebote bis: 01.03.2027, 11:00 Uhr"],
  ["mail-tender-cancelled", { reference: "V-2027-001", title: "BaE Kamenz", reason: "Bedarf entfallen." }, "Aufhebung der Ausschreibung V-2027-001", "Begründung: Bedarf entfallen."],
  ["mail-bidder-information", { reference: "V-2027-001", title: "BaE Kamenz", earliest: "12.03.2027, 00:00 Uhr" }, "Information nach § 134 GWB: V-2027-001", "Frühester Vertragsschluss: 12.03.2027, 00:00 Uhr."],
  [
    "mail-award",
    { reference: "V-2027-001", lotNumber: 2, lotTitle: "Hoyerswerda", contract: "V-2027-001-L2", quantity: 12, unit: "Plätze", price: "1.234,00 €", start: "01.04.2027", end: "31.03.2028" },
    "Zuschlag: V-2027-001, Los 2",
    "Vertrag V-2027-001-L2: 12 Plätze, 1.234,00 €, Laufzeit 01.04.2027 bis 31.03.2028.",
  ],
  ["mail-placement-decision", { title: "Anforderung fehlender Unterlagen", reference: "VN-2027-00001", client: "K-1", state: "Unterlagen angefordert" }, "Anforderung fehlender Unterlagen VN-2027-00001", "liegt eine Entscheidung vor: Unterlagen angefordert."],
  ["mail-agreement-offered", { reference: "VV-2027-0001", legalBasis: "§ 45 SGB III", validFrom: "01.02.2027", validUntil: "31.01.2028" }, "Vermittlungsvereinbarung VV-2027-0001 zur Annahme", "für die Zeit vom 01.02.2027 bis 31.01.2028 an."],
  ["mail-agreement-status", { reference: "VV-2027-0001", state: "ruhend", reasonLine: "\nBegründung: Zulassung abgelaufen." }, "Vermittlungsvereinbarung VV-2027-0001: ruhend", "ist jetzt „ruhend“.\nBegründung: Zulassung abgelaufen.\n\nMit freundlichen Grüßen"],
  ["mail-instalment-reminder", { reference: "VN-2027-00001", number: 1, amount: "1.000,00 €", lastDay: "17.03.2027", deadline: "18.06.2027" }, "Erinnerung: Arbeitgeberbestätigung für VN-2027-00001, 1. Rate", "Nachweise nach dem 18.06.2027 können nicht mehr berücksichtigt werden"],
  ["mail-question-answered", { reference: "V-2027-001", title: "BaE Kamenz", question: "Ist ein Los teilbar?", answer: "Nein." }, "Antwort auf eine Bieterfrage: V-2027-001", "Frage: Ist ein Los teilbar?\n\nAntwort: Nein."],
  ["mail-offer-receipt", { reference: "V-2027-001", title: "BaE Kamenz", receivedAt: "01.02.2027, 10:00:01 Uhr", version: 2, sha256: "ab12" }, "Eingangsbestätigung: Angebot zu V-2027-001", "Fassung: 2\nPrüfwert SHA-256: ab12"],
  ["mail-change-request-decided", { what: "Bankverbindung", outcome: "abgelehnt", requestedAt: "01.02.2027, 10:00 Uhr", providerName: "Jobbrücke", outcomeSentence: "abgelehnt.", noteLine: "\n\nVermerk des Jobcenters: IBAN unleserlich." }, "Ihr Änderungsantrag (Bankverbindung) wurde abgelehnt", "von „Jobbrücke“ wurde abgelehnt.\n\nVermerk des Jobcenters: IBAN unleserlich.\n\nMit freundlichen Grüßen"],
  ["mail-purchase-ordered", { reference: "EP-2027-00001", measure: "MN-2027-00001 – BaE", client: "K-1", startDate: "01.09.2027", endDate: "31.08.2030", answerBy: "20.08.2027", link: "https://vergabe.example/portal/purchases/1", attachment: "Den Bestellschein finden Sie im Anhang und auf derselben Seite." }, "Platzbestellung EP-2027-00001: bitte bis 20.08.2027 beantworten", "für die Teilnehmerin bzw. den Teilnehmer mit dem Kennzeichen K-1, vom 01.09.2027 bis 31.08.2030."],
  ["mail-purchase-answered", { reference: "EP-2027-00001", measure: "MN-2027-00001 – BaE", answer: "abgelehnt", reasonLine: "\nBegründung: Gruppe voll.", link: "https://vergabe.example/purchases/1" }, "Platzkauf EP-2027-00001 vom Träger abgelehnt", "(MN-2027-00001 – BaE) abgelehnt.\nBegründung: Gruppe voll."],
  ["mail-purchase-cancelled", { reference: "EP-2027-00001", measure: "MN-2027-00001 – BaE", client: "K-1", startDate: "01.09.2027", endDate: "31.08.2030", reason: "Kunde hat Arbeit aufgenommen.", link: "https://vergabe.example/portal/purchases/1" }, "Platzbestellung EP-2027-00001 storniert", "Begründung: Kunde hat Arbeit aufgenommen."],
  ["mail-assignment-created", { reference: "Z-2027-00001", client: "K-1", legalBasis: "§ 45 SGB III", validFrom: "01.02.2027", validUntil: "30.04.2027", regionPart: "", maxFee: "2.000,00 €" }, "Neue Zuweisung Z-2027-00001 (Kunde K-1)", "Gültig vom 01.02.2027 bis 30.04.2027; Vergütung höchstens 2.000,00 €."],
];

describe("mail templates in templates/", () => {
  it.each(CASES)("%s renders its subject and body", (name, data, subject, bodyPart) => {
    const mail = fillMail(name, read(name), data);
    expect(mail.subject).toBe(subject);
    expect(mail.text).toMatch(/^Guten Tag[ ,]/);
    expect(mail.text).toContain(bodyPart);
    expect(mail.text).not.toMatch(/\{\{|\}\}/);
  });

  it("every mail-*.md in templates/ is covered above", () => {
    const files = fs.readdirSync(path.join(__dirname, "..", "..", "templates")).filter((f) => f.startsWith("mail-")).map((f) => f.replace(/\.md$/, ""));
    expect(files.sort()).toEqual(CASES.map((c) => c[0]).sort());
  });
});
