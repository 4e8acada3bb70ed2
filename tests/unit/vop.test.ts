import { describe, expect, it } from "vitest";
import { parseVopFile, parseVopResult, VOP_LABELS, VOP_RESULTS, vopBlocks, vopLabel, vopWarning } from "~/domain/vop";

const HEADER = "IBAN;Name;Ergebnis;Vorgeschlagener Name";

describe("VOP results", () => {
  it("has the four scheme results with German labels", () => {
    expect(VOP_RESULTS).toEqual(["match", "close_match", "no_match", "not_possible"]);
    expect(VOP_RESULTS.map(vopLabel)).toEqual(["Übereinstimmung", "teilweise Übereinstimmung", "keine Übereinstimmung", "Prüfung nicht möglich"]);
    expect(Object.keys(VOP_LABELS)).toEqual([...VOP_RESULTS]);
  });

  it("only no_match blocks the payment", () => {
    expect(vopBlocks("no_match")).toMatch(/keine Übereinstimmung.*angehalten/);
    expect(vopBlocks("match")).toBeNull();
    expect(vopBlocks("close_match")).toBeNull();
    expect(vopBlocks("not_possible")).toBeNull();
  });

  it("close_match and not_possible are flagged, match is not", () => {
    expect(vopWarning("close_match", "Müller GmbH")).toMatch(/teilweise.*„Müller GmbH“/);
    expect(vopWarning("close_match")).toMatch(/teilweise/);
    expect(vopWarning("not_possible")).toMatch(/nicht möglich/);
    expect(vopWarning("match")).toBeNull();
  });

  it.each([
    ["Übereinstimmung", "match"],
    ["MTCH", "match"],
    ["mtch", "match"],
    ["match", "match"],
    ["teilweise  Übereinstimmung", "close_match"],
    ["CMTC", "close_match"],
    ["Keine Übereinstimmung", "no_match"],
    ["NMTC", "no_match"],
    ["Prüfung nicht möglich", "not_possible"],
    [" NOAP ", "not_possible"],
    ["Uebereinstimmung", null],
    ["", null],
    ["MATCH?", null],
  ])("parseVopResult(%j) = %j", (text, result) => {
    expect(parseVopResult(text)).toBe(result);
  });
});

describe("parseVopFile", () => {
  it("reads a UTF-8 file with BOM and CRLF, German and code results, optional suggested name", () => {
    const text =
      "\uFEFF" +
      [
        HEADER,
        "DE89 3704 0044 0532 0130 00;Müller & Söhne GmbH;Übereinstimmung;",
        "DE02120300000000202051;Bildungswerk Lausitz;CMTC;Bildungswerk Lausitz gGmbH",
        "DE02500105170137075030;Jobbrücke;NMTC;",
        '"DE12500105170648489890";"Träger; Kamenz";Prüfung nicht möglich;',
      ].join("\r\n") +
      "\r\n";
    expect(parseVopFile(text)).toEqual({
      rows: [
        { iban: "DE89370400440532013000", name: "Müller & Söhne GmbH", result: "match", suggestedName: null },
        { iban: "DE02120300000000202051", name: "Bildungswerk Lausitz", result: "close_match", suggestedName: "Bildungswerk Lausitz gGmbH" },
        { iban: "DE02500105170137075030", name: "Jobbrücke", result: "no_match", suggestedName: null },
        { iban: "DE12500105170648489890", name: "Träger; Kamenz", result: "not_possible", suggestedName: null },
      ],
      errors: [],
    });
  });

  it("reads a file without BOM and without the fourth column", () => {
    const parsed = parseVopFile("IBAN;Name;Ergebnis\nDE89370400440532013000;A;MTCH\n");
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows).toEqual([{ iban: "DE89370400440532013000", name: "A", result: "match", suggestedName: null }]);
  });

  it("reports each bad line with its number and keeps the good ones", () => {
    const text = [
      HEADER,
      "DE89370400440532013001;Prüfziffer falsch;MTCH;",
      "DE89370400440532013000;;MTCH;",
      "DE89370400440532013000;Unbekannt;VIELLEICHT;",
      "DE02120300000000202051;Gut;NMTC;",
      "DE89370400440532013000;Zu viele;MTCH;x;y",
      "",
      "XX;;;",
    ].join("\n");
    const parsed = parseVopFile(text);
    expect(parsed.rows).toEqual([{ iban: "DE02120300000000202051", name: "Gut", result: "no_match", suggestedName: null }]);
    expect(parsed.errors.map((e) => e.line)).toEqual([2, 3, 4, 6, 8]);
    expect(parsed.errors[0].message).toMatch(/Prüfziffern/);
    expect(parsed.errors[1].message).toBe("Der Name fehlt.");
    expect(parsed.errors[2].message).toMatch(/Unbekanntes Ergebnis „VIELLEICHT“/);
    expect(parsed.errors[3].message).toMatch(/5 Spalten, erwartet sind 4/);
    expect(parsed.errors[4].message).toMatch(/IBAN „XX“.*Der Name fehlt.*Unbekanntes Ergebnis/);
  });

  it("refuses a wrong header, a comma-separated file and an empty file", () => {
    expect(parseVopFile("Konto;Name;Ergebnis;Vorschlag\nDE89370400440532013000;A;MTCH;").errors).toEqual([{ line: 1, message: expect.stringMatching(/Kopfzeile/) }]);
    expect(parseVopFile("IBAN,Name,Ergebnis,Vorgeschlagener Name\nDE89370400440532013000,A,MTCH,").errors[0].message).toMatch(/Semikolon/);
    expect(parseVopFile("").errors).toEqual([{ line: 1, message: "Die Datei ist leer." }]);
    expect(parseVopFile(HEADER + "\n")).toEqual({ rows: [], errors: [] });
  });
});
