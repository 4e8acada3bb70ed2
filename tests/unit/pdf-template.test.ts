import { describe, expect, it } from "vitest";
import { fillTemplate, parseTemplate, splitTableRow, substitute } from "~/lib/pdf.server";

describe("substitute", () => {
  it("replaces placeholders, prints null as – and numbers as given", () => {
    expect(substitute("Hallo {{name}}, {{ count }} Stück, USt-IdNr. {{vatId}}", { name: "Jürgen", count: 3, vatId: null })).toBe(
      "Hallo Jürgen, 3 Stück, USt-IdNr. –",
    );
  });

  it("throws naming a missing placeholder", () => {
    expect(() => substitute("Betrag: {{amount}}", { other: "x" })).toThrow(/\{\{amount\}\}/);
    expect(() => substitute("Betrag: {{amount}}", { amount: undefined })).toThrow(/amount/);
  });

  it("keeps the empty string when it is given explicitly", () => {
    expect(substitute("[{{note}}]", { note: "" })).toBe("[]");
  });

  it("rejects malformed placeholders and lists in scalar position", () => {
    expect(() => substitute("{{name}", { name: "x" })).toThrow(/Unvollständiger Platzhalter/);
    expect(() => substitute("{{na me}}", { "na me": "x" })).toThrow(/Ungültiger Platzhaltername/);
    expect(() => substitute("{{rows}}", { rows: [{ a: 1 }] })).toThrow(/Liste/);
  });

  it("does not re-interpret braces inside values", () => {
    expect(substitute("{{a}}", { a: "{{b}}" })).toBe("{{b}}");
  });

  it("looks names up in the row first, then in the data", () => {
    expect(substitute("{{name}} / {{region}}", { name: "Träger", region: "Nord" }, { name: "Zeile" })).toBe("Zeile / Nord");
  });
});

describe("splitTableRow", () => {
  it("splits cells, trims and honours escaped bars", () => {
    expect(splitTableRow("| a | b \\| c |  d  |")).toEqual(["a", "b | c", "d"]);
    expect(splitTableRow("|x|y")).toEqual(["x", "y"]);
  });
});

describe("parseTemplate", () => {
  it("recognises headings, paragraphs, bullets and tables", () => {
    const blocks = parseTemplate(
      [
        "# Titel",
        "## Abschnitt",
        "Erste Zeile",
        "zweite Zeile",
        "",
        "- eins",
        "- zwei",
        "",
        "| A | B |",
        "|---|:--:|",
        "| 1 | 2 |",
        "{{#rows items}}| {{x}} | {{y}} |{{/rows}}",
        "Nach der Tabelle",
      ].join("\r\n"),
    );
    expect(blocks.map((b) => b.kind)).toEqual(["heading", "heading", "paragraph", "list", "table", "paragraph"]);
    expect(blocks[0]).toMatchObject({ kind: "heading", level: 1, text: "Titel" });
    expect(blocks[1]).toMatchObject({ kind: "heading", level: 2, text: "Abschnitt" });
    expect(blocks[2]).toMatchObject({ kind: "paragraph", lines: ["Erste Zeile", "zweite Zeile"] });
    expect(blocks[3]).toMatchObject({ kind: "list", items: ["eins", "zwei"] });
    expect(blocks[4]).toMatchObject({
      kind: "table",
      header: ["A", "B"],
      rows: [
        { cells: ["1", "2"], repeat: undefined },
        { cells: ["{{x}}", "{{y}}"], repeat: "items" },
      ],
    });
  });

  it("rejects row templates that are not on one line or lack a header", () => {
    expect(() => parseTemplate("| A |\n{{#rows items}}| {{x}} |")).toThrow(/Zeile 2/);
    expect(() => parseTemplate("{{#rows items}}| {{x}} |{{/rows}}")).toThrow(/Kopfzeile/);
  });

  it("rejects rows with the wrong number of cells", () => {
    expect(() => parseTemplate("| A | B |\n| 1 |")).toThrow(/1 Spalten, die Kopfzeile 2/);
  });
});

describe("fillTemplate", () => {
  const text = [
    "# Stammdatenblatt {{kind}}",
    "Anschrift:",
    "{{address}}",
    "",
    "| Name | E-Mail |",
    "|---|---|",
    "{{#rows contacts}}| {{name}} | {{email}} |{{/rows}}",
    "| Summe | {{total}} |",
  ].join("\n");

  it("repeats a row for every item and substitutes the rest", () => {
    const blocks = fillTemplate(text, {
      kind: "Träger",
      address: "Weißenberger Straße 12\n02627 Weißenberg",
      total: "1.234,56 €",
      contacts: [
        { name: "Müller", email: "m@example.de" },
        { name: "Größe", email: "g@example.de" },
        { name: "Weiß", email: "w@example.de" },
      ],
    });
    expect(blocks[0]).toEqual({ kind: "heading", level: 1, text: "Stammdatenblatt Träger" });
    expect(blocks[1]).toEqual({ kind: "paragraph", lines: ["Anschrift:", "Weißenberger Straße 12", "02627 Weißenberg"] });
    expect(blocks[2]).toEqual({
      kind: "table",
      header: ["Name", "E-Mail"],
      rows: [
        ["Müller", "m@example.de"],
        ["Größe", "g@example.de"],
        ["Weiß", "w@example.de"],
        ["Summe", "1.234,56 €"],
      ],
    });
  });

  it("an empty list gives no rows", () => {
    const blocks = fillTemplate(text, { kind: "x", address: "y", total: "0,00 €", contacts: [] });
    expect(blocks[2]).toMatchObject({ rows: [["Summe", "0,00 €"]] });
  });

  it("throws for a missing list, a non-list and a missing field inside a row", () => {
    expect(() => fillTemplate(text, { kind: "x", address: "y", total: "z" })).toThrow(/contacts/);
    expect(() => fillTemplate(text, { kind: "x", address: "y", total: "z", contacts: "nein" })).toThrow(/keine Liste/);
    expect(() => fillTemplate(text, { kind: "x", address: "y", total: "z", contacts: [{ name: "A" }] })).toThrow(/\{\{email\}\}/);
  });

  it("throws naming a missing placeholder, with the line", () => {
    expect(() => fillTemplate(text, { kind: "x", total: "z", contacts: [] })).toThrow(/Zeile 3.*\{\{address\}\}/);
  });
});

describe("letter reference fields (> Label: value)", () => {
  it("consecutive > lines form one fields block after the address paragraph; placeholders fill the values", () => {
    const blocks = fillTemplate("Firma\n{{street}}\n\n> Aktenzeichen: {{ref}}\n> Datum: {{date}}\n\n# Betreff", { street: "Hauptstraße 1", ref: "V-2026-001", date: "06.12.2026" });
    expect(blocks).toEqual([
      { kind: "paragraph", lines: ["Firma", "Hauptstraße 1"] },
      { kind: "fields", items: [{ label: "Aktenzeichen", value: "V-2026-001" }, { label: "Datum", value: "06.12.2026" }] },
      { kind: "heading", level: 1, text: "Betreff" },
    ]);
  });

  it("a > line without a label is a template error naming the line", () => {
    expect(() => parseTemplate("Text\n\n> ohne Bezeichnung")).toThrow("Vorlage, Zeile 3");
  });

  it("a missing value still throws (no silent blanks in letters)", () => {
    expect(() => fillTemplate("> Telefon: {{officialPhone}}", {})).toThrow("{{officialPhone}}");
  });
});
