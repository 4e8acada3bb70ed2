import { describe, expect, it } from "vitest";
import { BOM, parseCsv, toCsv, unguard } from "~/domain/csv";

describe("toCsv", () => {
  it("starts with a BOM, separates with ';' and ends every line with CRLF", () => {
    const csv = toCsv(["A", "B"], [["1", "2"], ["3", "4"]]);
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.startsWith(BOM)).toBe(true);
    expect(csv).toBe(`${BOM}A;B\r\n1;2\r\n3;4\r\n`);
    // no bare LF anywhere
    expect(csv.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
  });

  it("leaves plain fields unquoted and writes null/undefined as empty", () => {
    expect(toCsv(["x", "y", "z"], [[null, undefined, 5]])).toBe(`${BOM}x;y;z\r\n;;5\r\n`);
  });

  it("quotes fields containing ';', '\"', CR or LF and doubles inner quotes", () => {
    const csv = toCsv(["h"], [["a;b"], ['Sag "Hallo"'], ["Zeile 1\nZeile 2"], ["x\ry"]]);
    expect(csv).toBe(`${BOM}h\r\n"a;b"\r\n"Sag ""Hallo"""\r\n"Zeile 1\nZeile 2"\r\n"x\ry"\r\n`);
  });

  it("does not quote a comma when the separator is ';' but does when it is ','", () => {
    expect(toCsv(["h"], [["1,5"]])).toBe(`${BOM}h\r\n1,5\r\n`);
    expect(toCsv(["h", "i"], [["1,5", "x"]], ",")).toBe(`${BOM}h,i\r\n"1,5",x\r\n`);
  });

  it.each([
    ["=SUMME(A1:A9)", "'=SUMME(A1:A9)"],
    ["+SUMME(A1)", "'+SUMME(A1)"],
    ["+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"],
    ["-Rabatt", "'-Rabatt"],
    ["@user", "'@user"],
    ["\tTab", "'\tTab"],
    ["-1+2", "'-1+2"],
  ])("neutralises formula injection: %j", (input, expected) => {
    const line = toCsv(["h"], [[input]]).split("\r\n")[1];
    expect(line).toBe(expected);
  });

  it.each([["+49 3578 7870"], ["+49 (0)3578/7870"], ["+4935787870"]])("leaves the phone number %j alone", (phone) => {
    expect(toCsv(["h"], [[phone]]).split("\r\n")[1]).toBe(phone);
  });

  it("unguard undoes exactly the guard and nothing else", () => {
    for (const v of ["=SUMME(A1:A9)", "+SUMME(A1)", "-Rabatt", "@user"]) {
      const guarded = toCsv(["h"], [[v]]).split("\r\n")[1];
      expect(guarded).toBe(`'${v}`);
      expect(unguard(guarded)).toBe(v);
    }
    expect(unguard("'Hallo")).toBe("'Hallo");
    expect(unguard("O'Brien")).toBe("O'Brien");
    expect(unguard("-5")).toBe("-5");
    expect(unguard("")).toBe("");
  });

  it("quotes a neutralised value that also contains the separator", () => {
    expect(toCsv(["h"], [["=1;2"]]).split("\r\n")[1]).toBe(`"'=1;2"`);
  });

  it.each([["-5"], ["-1234"], ["-12,50"], ["-12.50"], ["-0"], [-7]])("leaves the negative number %j alone", (value) => {
    const line = toCsv(["h"], [[value]]).split("\r\n")[1];
    expect(line).toBe(String(value));
  });

  it("does not touch a value with = or @ that is not at the start", () => {
    expect(toCsv(["h"], [["a=b@c"]]).split("\r\n")[1]).toBe("a=b@c");
  });
});

describe("parseCsv", () => {
  it("round-trips toCsv output with embedded newlines, quotes, separators and umlauts", () => {
    const header = ["Name", "Straße", "Bemerkung"];
    const rows = [
      ["Müller & Söhne gGmbH", "Weißenberger Straße 5", 'Er sagte "Grüß Gott"; dann ging er'],
      ["Bildungswerk Lausitz", "Am Markt 1", "Zeile eins\nZeile zwei\r\nZeile drei"],
      ["Ärger-Öko-Übung", "", "ß€"],
    ];
    const parsed = parseCsv(toCsv(header, rows));
    expect(parsed.separator).toBe(";");
    expect(parsed.header).toEqual(header);
    // CRLF inside a quoted field is normalised to LF when reading
    expect(parsed.rows.map((r) => r.values)).toEqual(rows.map((r) => r.map((v) => v.replace(/\r\n/g, "\n"))));
  });

  it("strips the BOM so the first header is clean", () => {
    const parsed = parseCsv(`${BOM}Name;Ort\r\nA;B\r\n`);
    expect(parsed.header[0]).toBe("Name");
  });

  it("detects ',' as separator from the header line", () => {
    const parsed = parseCsv('Name,Ort,PLZ\n"Meier, Hans",Kamenz,01917\n');
    expect(parsed.separator).toBe(",");
    expect(parsed.header).toEqual(["Name", "Ort", "PLZ"]);
    expect(parsed.rows).toEqual([{ line: 2, values: ["Meier, Hans", "Kamenz", "01917"] }]);
  });

  it("keeps ';' when the header has more semicolons than commas", () => {
    const parsed = parseCsv("Name;Ort;Region, Kreis\nA;B;C\n");
    expect(parsed.separator).toBe(";");
    expect(parsed.rows[0].values).toEqual(["A", "B", "C"]);
  });

  it("reports the file line where each record starts, after a multi-line quoted field", () => {
    const text = 'Name;Bemerkung\r\nA;"eins\r\nzwei\r\ndrei"\r\nB;x\r\nC;"y\nz"\r\nD;w\r\n';
    const parsed = parseCsv(text);
    expect(parsed.rows.map((r) => [r.line, r.values[0]])).toEqual([
      [2, "A"],
      [5, "B"],
      [6, "C"],
      [8, "D"],
    ]);
    expect(parsed.rows[0].values[1]).toBe("eins\nzwei\ndrei");
  });

  it("ignores blank lines (and lines of empty fields) but keeps line numbers true", () => {
    const text = "\r\nName;Ort\r\n\r\nA;B\r\n;\r\n   \r\nC;D\r\n\r\n";
    const parsed = parseCsv(text);
    expect(parsed.header).toEqual(["Name", "Ort"]);
    expect(parsed.rows).toEqual([
      { line: 4, values: ["A", "B"] },
      { line: 7, values: ["C", "D"] },
    ]);
  });

  it("reads a last record without a trailing line break", () => {
    const parsed = parseCsv("a;b\n1;2");
    expect(parsed.rows).toEqual([{ line: 2, values: ["1", "2"] }]);
  });

  it("keeps empty fields and trims header names only", () => {
    const parsed = parseCsv(" Name ; Ort \n A ;;\n");
    expect(parsed.header).toEqual(["Name", "Ort"]);
    expect(parsed.rows[0].values).toEqual([" A ", "", ""]);
  });

  it("returns an empty header for an empty file", () => {
    expect(parseCsv("")).toEqual({ header: [], rows: [], separator: ";" });
    expect(parseCsv(BOM)).toEqual({ header: [], rows: [], separator: ";" });
  });
});

describe("decodeCsvBytes: what German offices upload", () => {
  it("reads UTF-8 with and without BOM, falls back to Windows-1252, names UTF-16", async () => {
    const { decodeCsvBytes } = await import("~/domain/csv");
    expect(decodeCsvBytes(new TextEncoder().encode("Übereinstimmung"))).toEqual({ text: "Übereinstimmung", encoding: "utf-8" });
    expect(decodeCsvBytes(Uint8Array.from([0xdc, 0x62, 0x65, 0x72]))).toEqual({ text: "Über", encoding: "windows-1252" });
    expect(decodeCsvBytes(Uint8Array.from([0xff, 0xfe, 0x49, 0x00]))).toMatchObject({ error: expect.stringContaining("UTF-16") });
  });
});
