/**
 * PDF renderer: German letters and data sheets from the text templates in `templates/`.
 *
 * Template syntax (kept deliberately small; also described in templates/README.md):
 *
 *   {{name}}          Replaced by `data.name`. A placeholder whose value is missing (absent or
 *                     undefined) throws an Error naming it, so a template never prints a silent
 *                     blank. `null` prints "–" (an explicit "no value"); numbers print as given
 *                     (format money and dates before passing them in). A value containing "\n"
 *                     breaks the line there.
 *   # Text            Heading level 1.
 *   ## Text           Heading level 2.
 *   - Text            A bullet item (consecutive lines form one list).
 *   > Label: Text     A letter's reference fields (Aktenzeichen, Bearbeitet von, Telefon, Datum):
 *                     consecutive lines form one block. Right after a paragraph (the recipient's
 *                     address) the block stands beside it at the right margin, as in a letter;
 *                     elsewhere it is a label/value list.
 *   | a | b |         A table: a block of consecutive lines starting with "|". The first row is
 *                     the header; a separator row such as |---|---| is ignored. Cells may hold
 *                     placeholders; a literal "|" inside a cell is written "\|".
 *   {{#rows items}}| {{a}} | {{b}} |{{/rows}}
 *                     On ONE line inside a table: the row is repeated for every element of the
 *                     array `data.items`. Inside it, placeholders are looked up in the element
 *                     first, then in `data`. A table left without any body row prints one
 *                     row "Keine Einträge.".
 *   anything else     Paragraph text. Paragraphs are separated by blank lines; each line of a
 *                     paragraph starts a new line in the PDF (address blocks), long lines wrap.
 *
 * Layout: A4 portrait, ~20 mm margins, DejaVu Sans (regular and bold, embedded as subsets so €,
 * umlauts and ß render), the letterhead at the top of every page, a footer with the footer
 * text and "Seite X von Y" on every page; tables wrap cell text and continue on the next page
 * with their header row repeated.
 */
import fs from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import fontkit from "@pdf-lib/fontkit";
import { PDFDocument, rgb, type PDFFont, type PDFPage, type RGB } from "pdf-lib";
import { now } from "./clock.server";

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

export type TemplateRow = Record<string, string | number>;
export type TemplateValue = string | number | null | undefined | TemplateRow[];
export type TemplateData = Record<string, TemplateValue>;

export interface Letterhead {
  authority: string;
  address: string;
  contact: string;
  footer: string;
}

export interface RenderPdfInput {
  template: string;
  data: TemplateData;
  letterhead: Letterhead;
  title?: string;
}

/** A template row before substitution: `repeat` names the array of a {{#rows}} row. */
export interface RawTableRow {
  cells: string[];
  repeat?: string;
  line: number;
}

/** A block of the template as written (placeholders not yet replaced). */
export type RawBlock =
  | { kind: "heading"; level: 1 | 2; text: string; line: number }
  | { kind: "paragraph"; lines: string[]; line: number }
  | { kind: "list"; items: string[]; line: number }
  | { kind: "fields"; items: { label: string; value: string }[]; line: number }
  | { kind: "table"; header: string[]; rows: RawTableRow[]; line: number };

/** A block ready for layout: all placeholders replaced, row templates expanded. */
export type Block =
  | { kind: "heading"; level: 1 | 2; text: string }
  | { kind: "paragraph"; lines: string[] }
  | { kind: "list"; items: string[] }
  | { kind: "fields"; items: { label: string; value: string }[] }
  | { kind: "table"; header: string[]; rows: string[][] };

// ---------------------------------------------------------------------------------------------
// Parsing and substitution (pure)
// ---------------------------------------------------------------------------------------------

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const ROWS_LINE = /^\{\{#rows\s+([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}(.*)\{\{\/rows\}\}$/;

function templateError(line: number, message: string): Error {
  return new Error(`Vorlage, Zeile ${line}: ${message}`);
}

/** Split a table line into trimmed cells; "\|" is a literal bar. */
export function splitTableRow(line: string): string[] {
  let s = line.trim();
  if (s.startsWith("|")) s = s.slice(1);
  if (s.endsWith("|") && !s.endsWith("\\|")) s = s.slice(0, -1);
  const cells: string[] = [];
  let current = "";
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === "\\" && s[i + 1] === "|") {
      current += "|";
      i++;
    } else if (ch === "|") {
      cells.push(current.trim());
      current = "";
    } else {
      current += ch;
    }
  }
  cells.push(current.trim());
  return cells;
}

function isSeparatorRow(cells: string[]): boolean {
  return cells.length > 0 && cells.every((c) => /^:?-+:?$/.test(c));
}

/** Parse a template into blocks. Structure only: placeholders stay as written. */
export function parseTemplate(text: string): RawBlock[] {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const blocks: RawBlock[] = [];
  let paragraph: { kind: "paragraph"; lines: string[]; line: number } | null = null;
  let list: { kind: "list"; items: string[]; line: number } | null = null;
  let fields: { kind: "fields"; items: { label: string; value: string }[]; line: number } | null = null;
  let table: { kind: "table"; header: string[]; rows: RawTableRow[]; line: number } | null = null;
  let tableHasHeader = false;

  const flush = () => {
    if (paragraph) blocks.push(paragraph);
    if (list) blocks.push(list);
    if (table) blocks.push(table);
    if (fields) blocks.push(fields);
    paragraph = null;
    list = null;
    table = null;
    fields = null;
    tableHasHeader = false;
  };

  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const line = raw.trim();
    if (line === "") {
      flush();
      return;
    }

    if (line.startsWith("|") || line.startsWith("{{#rows")) {
      if (!table) {
        flush();
        table = { kind: "table", header: [], rows: [], line: lineNo };
      }
      let repeat: string | undefined;
      let rowText = line;
      if (line.startsWith("{{#rows")) {
        const m = ROWS_LINE.exec(line);
        if (!m) throw templateError(lineNo, "Zeilenvorlage muss die Form {{#rows name}}| … |{{/rows}} auf einer Zeile haben");
        repeat = m[1];
        rowText = m[2].trim();
        if (!rowText.startsWith("|")) throw templateError(lineNo, "Zeilenvorlage muss mit „|“ beginnen");
      }
      const cells = splitTableRow(rowText);
      if (!repeat && isSeparatorRow(cells)) return;
      if (!tableHasHeader) {
        if (repeat) throw templateError(lineNo, "Tabelle braucht eine Kopfzeile vor der Zeilenvorlage");
        table.header = cells;
        tableHasHeader = true;
        return;
      }
      if (cells.length !== table.header.length) {
        throw templateError(lineNo, `Tabellenzeile hat ${cells.length} Spalten, die Kopfzeile ${table.header.length}`);
      }
      table.rows.push({ cells, repeat, line: lineNo });
      return;
    }
    if (table) flush();

    if (line.startsWith(">")) {
      const m = /^>\s*([^:{}]+?)\s*:\s*(.*)$/.exec(line);
      if (!m) throw templateError(lineNo, "Angabe muss die Form „> Bezeichnung: Text“ haben");
      if (!fields) {
        flush();
        fields = { kind: "fields", items: [], line: lineNo };
      }
      fields.items.push({ label: m[1], value: m[2] });
      return;
    }
    if (fields) flush();

    const heading = /^(#{1,2})\s+(.*)$/.exec(line);
    if (heading) {
      flush();
      blocks.push({ kind: "heading", level: heading[1].length as 1 | 2, text: heading[2], line: lineNo });
      return;
    }

    if (line.startsWith("- ")) {
      if (paragraph) flush();
      if (!list) list = { kind: "list", items: [], line: lineNo };
      list.items.push(line.slice(2).trim());
      return;
    }

    if (list) flush();
    if (!paragraph) paragraph = { kind: "paragraph", lines: [], line: lineNo };
    paragraph.lines.push(line);
  });
  flush();
  return blocks;
}

function formatValue(name: string, value: TemplateValue): string {
  if (value === undefined) throw new Error(`Platzhalter {{${name}}} fehlt in den Daten`);
  if (value === null) return "–";
  if (Array.isArray(value)) throw new Error(`Platzhalter {{${name}}} ist eine Liste; Listen gehören in {{#rows ${name}}}`);
  if (typeof value === "number") return String(value);
  return value;
}

/**
 * Replace every {{placeholder}} in `text`. Names are looked up in `row` first (inside a
 * {{#rows}} row), then in `data`. A missing value or malformed placeholder throws.
 */
export function substitute(text: string, data: TemplateData, row?: TemplateRow, line?: number): string {
  const where = (msg: string) => (line ? templateError(line, msg) : new Error(msg));
  const leftover = text.replace(PLACEHOLDER, "");
  if (leftover.includes("{{") || leftover.includes("}}")) throw where(`Unvollständiger Platzhalter in „${text}“`);
  return text.replace(PLACEHOLDER, (_match, rawName: string) => {
    const name = rawName.trim();
    if (name.startsWith("#") || name.startsWith("/")) throw where(`{{${name}}} ist nur am Anfang bzw. Ende einer Tabellenzeile erlaubt`);
    if (!NAME.test(name)) throw where(`Ungültiger Platzhaltername „${name}“`);
    let value: TemplateValue;
    if (row && Object.prototype.hasOwnProperty.call(row, name)) value = row[name];
    else if (Object.prototype.hasOwnProperty.call(data, name)) value = data[name];
    try {
      return formatValue(name, value);
    } catch (error) {
      throw where((error as Error).message);
    }
  });
}

/** Parse a template and fill it with data: the blocks the layout draws. */
export function fillTemplate(text: string, data: TemplateData): Block[] {
  return parseTemplate(text).map((block): Block => {
    switch (block.kind) {
      case "heading":
        return { kind: "heading", level: block.level, text: substitute(block.text, data, undefined, block.line).replace(/\s*\n\s*/g, " ") };
      case "paragraph":
        return {
          kind: "paragraph",
          lines: block.lines.flatMap((l, i) => substitute(l, data, undefined, block.line + i).split("\n")),
        };
      case "list":
        return { kind: "list", items: block.items.map((item, i) => substitute(item, data, undefined, block.line + i)) };
      case "fields":
        return { kind: "fields", items: block.items.map((item, i) => ({ label: item.label, value: substitute(item.value, data, undefined, block.line + i) })) };
      case "table": {
        const header = block.header.map((c) => substitute(c, data, undefined, block.line));
        const rows: string[][] = [];
        for (const row of block.rows) {
          if (row.repeat) {
            const items = data[row.repeat];
            if (items === undefined) throw templateError(row.line, `Liste {{#rows ${row.repeat}}} fehlt in den Daten`);
            if (!Array.isArray(items)) throw templateError(row.line, `{{#rows ${row.repeat}}}: „${row.repeat}“ ist keine Liste`);
            for (const item of items) rows.push(row.cells.map((c) => substitute(c, data, item, row.line)));
          } else {
            rows.push(row.cells.map((c) => substitute(c, data, undefined, row.line)));
          }
        }
        return { kind: "table", header, rows };
      }
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Fonts
// ---------------------------------------------------------------------------------------------

interface FontBytes {
  regular: Uint8Array;
  bold: Uint8Array;
}

let fontBytes: Promise<FontBytes> | null = null;

/**
 * fontkit parses the whole TTF on every embedFont call; the parsed font is only read when
 * pdf-lib lays out and subsets text, so one parse per font file is reused.
 */
const parsedFonts = new WeakMap<object, ReturnType<typeof fontkit.create>>();
const cachedFontkit: typeof fontkit = {
  ...fontkit,
  create(buffer: Uint8Array, postscriptName?: string) {
    if (postscriptName) return fontkit.create(buffer, postscriptName);
    let font = parsedFonts.get(buffer);
    if (!font) {
      font = fontkit.create(buffer);
      parsedFonts.set(buffer, font);
    }
    return font;
  },
};

function fontDir(): string {
  try {
    const req = createRequire(path.join(process.cwd(), "package.json"));
    return path.join(path.dirname(req.resolve("dejavu-fonts-ttf/package.json")), "ttf");
  } catch {
    return path.join(process.cwd(), "node_modules", "dejavu-fonts-ttf", "ttf");
  }
}

/** The DejaVu font files, read once per process. */
function loadFontBytes(): Promise<FontBytes> {
  if (!fontBytes) {
    const dir = fontDir();
    fontBytes = Promise.all([fs.readFile(path.join(dir, "DejaVuSans.ttf")), fs.readFile(path.join(dir, "DejaVuSans-Bold.ttf"))])
      .then(([regular, bold]) => ({ regular: new Uint8Array(regular), bold: new Uint8Array(bold) }))
      .catch((error) => {
        fontBytes = null;
        throw error;
      });
  }
  return fontBytes;
}

// ---------------------------------------------------------------------------------------------
// Layout
// ---------------------------------------------------------------------------------------------

const MM = 72 / 25.4;
const PAGE_W = 595.28;
const PAGE_H = 841.89;
const MARGIN_LEFT = 22 * MM;
const MARGIN_RIGHT = 20 * MM;
const MARGIN_TOP = 16 * MM;
const MARGIN_BOTTOM = 14 * MM;

const COLOR = {
  text: rgb(0.1, 0.1, 0.1),
  muted: rgb(0.36, 0.36, 0.36),
  rule: rgb(0.5, 0.5, 0.5),
  border: rgb(0.6, 0.6, 0.6),
  headerFill: rgb(0.88, 0.895, 0.915),
  zebra: rgb(0.97, 0.973, 0.978),
};

const SIZE = {
  authority: 12,
  letterhead: 8.5,
  h1: 15,
  h2: 11.5,
  body: 10,
  table: 8.5,
  footer: 7.5,
};

interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
}

/** Drop control characters fontkit cannot draw; tabs become spaces. */
function clean(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\t/g, "    ").replace(/[\u0000-\u0008\u000B-\u001F\u007F]/g, "");
}

function splitAfter(word: string, at: RegExp): string[] {
  return word.split(at).filter((p) => p !== "");
}

/**
 * Text measurement. Widths are summed from per-character advances (cached per font), which is
 * far faster than laying out every candidate line and never smaller than the drawn width
 * (ligatures only make drawn text narrower).
 */
class Measure {
  private advances = new Map<PDFFont, Map<string, number>>();

  width(text: string, font: PDFFont, size: number): number {
    let table = this.advances.get(font);
    if (!table) {
      table = new Map();
      this.advances.set(font, table);
    }
    let total = 0;
    for (const ch of text) {
      let w = table.get(ch);
      if (w === undefined) {
        w = font.widthOfTextAtSize(ch, 1000);
        table.set(ch, w);
      }
      total += w;
    }
    return (total * size) / 1000;
  }

  /**
   * Greedy word wrap; "\n" forces a break. Compound words may break after a hyphen; a word
   * wider than the line breaks after "@" or "/" (e-mail addresses, paths), else by characters.
   */
  wrap(text: string, font: PDFFont, size: number, maxWidth: number): string[] {
    const out: string[] = [];
    const fits = (t: string) => this.width(t, font, size) <= maxWidth;
    for (const para of clean(text).split("\n")) {
      const tokens: { text: string; space: boolean }[] = [];
      for (const word of para.split(/ +/)) {
        if (!word) continue;
        const pieces = splitAfter(word, fits(word) ? /(?<=[^-\s]-)(?=[^-])/ : /(?<=[^-\s][-@/])(?=[^-@/])/);
        pieces.forEach((piece, i) => tokens.push({ text: piece, space: i === 0 }));
      }
      if (tokens.length === 0) {
        out.push("");
        continue;
      }
      let line = "";
      for (const token of tokens) {
        const candidate = line ? `${line}${token.space ? " " : ""}${token.text}` : token.text;
        if (fits(candidate)) {
          line = candidate;
          continue;
        }
        if (line) out.push(line);
        line = "";
        if (fits(token.text)) {
          line = token.text;
          continue;
        }
        // Still wider than the line (a long number, an IBAN): split by characters.
        let part = "";
        for (const ch of Array.from(token.text)) {
          if (part && !fits(part + ch)) {
            out.push(part);
            part = "";
          }
          part += ch;
        }
        line = part;
      }
      out.push(line);
    }
    return out;
  }

  /** Width of the longest piece that cannot break (see wrap). */
  longestWord(text: string, font: PDFFont, size: number): number {
    let max = 0;
    for (const word of clean(text).split(/[ \n]+/)) {
      for (const piece of splitAfter(word, /(?<=[^-\s][-@/])(?=[^-@/])/)) if (piece) max = Math.max(max, this.width(piece, font, size));
    }
    return max;
  }

  /** Width of the longest line when nothing wraps. */
  natural(text: string, font: PDFFont, size: number): number {
    let max = 0;
    for (const line of clean(text).split("\n")) max = Math.max(max, this.width(line.replace(/ +/g, " "), font, size));
    return max;
  }
}

interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

interface TableLayout {
  widths: number[];
  header: string[][];
  headerHeight: number;
  rows: string[][][];
  empty: boolean;
}

/** keepWhole: a cell this narrow (in points, about 12 characters) is never wrapped. */
const TABLE = { padX: 4, padY: 3.2, leading: SIZE.table * 1.32, keepWhole: 56 };
const BODY_LEADING = SIZE.body * 1.38;

class Writer {
  pages: PDFPage[] = [];
  page!: PDFPage;
  y = 0;

  constructor(
    private doc: PDFDocument,
    readonly fonts: Fonts,
    readonly measure: Measure,
    readonly box: Box,
  ) {}

  get width() {
    return this.box.right - this.box.left;
  }

  get atTop() {
    return this.y >= this.box.top - 0.01;
  }

  newPage() {
    this.page = this.doc.addPage([PAGE_W, PAGE_H]);
    this.pages.push(this.page);
    this.y = this.box.top;
  }

  remaining() {
    return this.y - this.box.bottom;
  }

  /** Start a new page unless `height` still fits (or we are at the top already). */
  ensure(height: number) {
    if (height > this.remaining() + 0.01 && !this.atTop) this.newPage();
  }

  /** Vertical space that disappears at the top of a page. */
  space(height: number) {
    if (!this.atTop) this.y = Math.max(this.box.bottom, this.y - height);
  }

  /** Draw one line of text whose line box starts at the current y. */
  line(text: string, x: number, font: PDFFont, size: number, leading: number, color: RGB = COLOR.text) {
    const baseline = this.y - leading / 2 - size * 0.36;
    if (text) this.page.drawText(text, { x, y: baseline, font, size, color });
    this.y -= leading;
  }

  heading(block: { level: 1 | 2; text: string }, next: Block | undefined) {
    const size = block.level === 1 ? SIZE.h1 : SIZE.h2;
    const leading = size * 1.3;
    const lines = this.measure.wrap(block.text, this.fonts.bold, size, this.width);
    const before = block.level === 1 ? 4 : 12;
    const after = block.level === 1 ? 8 : 4;
    // Keep the heading with the start of what follows it.
    this.ensure(before + lines.length * leading + after + this.firstChunk(next));
    this.space(before);
    for (const l of lines) this.line(l, this.box.left, this.fonts.bold, size, leading);
    this.y -= after;
  }

  /** Where the last paragraph began (a fields block right after it stands beside it). */
  private lastParagraph: { page: PDFPage; top: number } | null = null;

  /** A paragraph; `narrow`: it leaves the right column free for the fields block beside it. */
  paragraph(lines: string[], narrow = false) {
    const wrapped = lines.flatMap((l) => this.measure.wrap(l, this.fonts.regular, SIZE.body, narrow ? this.width * 0.47 : this.width));
    // A short paragraph (an address, a closing with the signatory) stays on one page; a longer
    // one leaves no single orphaned line at the bottom of a page.
    this.ensure((wrapped.length <= 5 ? wrapped.length : 2) * BODY_LEADING);
    this.lastParagraph = { page: this.page, top: this.y };
    for (const l of wrapped) {
      this.ensure(BODY_LEADING);
      this.line(l, this.box.left, this.fonts.regular, SIZE.body, BODY_LEADING);
    }
    this.y -= 6;
  }

  list(items: string[]) {
    const indent = 12;
    for (const item of items) {
      const wrapped = this.measure.wrap(item, this.fonts.regular, SIZE.body, this.width - indent);
      this.ensure(Math.min(wrapped.length, 2) * BODY_LEADING);
      wrapped.forEach((l, i) => {
        this.ensure(BODY_LEADING);
        if (i === 0) {
          const y = this.y;
          this.line("•", this.box.left + 2, this.fonts.regular, SIZE.body, BODY_LEADING);
          this.y = y;
        }
        this.line(l, this.box.left + indent, this.fonts.regular, SIZE.body, BODY_LEADING);
      });
      this.y -= 2;
    }
    this.y -= 6;
  }

  /**
   * A letter's reference fields. After a paragraph (the address) they stand in the right column
   * from the paragraph's top; otherwise they are a label/value list at the left margin.
   */
  fields(items: { label: string; value: string }[], besideParagraph: boolean) {
    const size = SIZE.table + 0.5;
    const leading = size * 1.4;
    const labels = items.map((i) => `${i.label}:`);
    const labelWidth = Math.max(...labels.map((l) => this.measure.width(l, this.fonts.regular, size))) + 6;
    const beside = besideParagraph && this.lastParagraph?.page === this.page;
    const left = beside ? this.box.left + this.width * 0.5 : this.box.left;
    const valueWidth = this.box.right - left - labelWidth;
    const rows = items.map((item, i) => ({ label: labels[i], lines: this.measure.wrap(item.value, this.fonts.regular, size, valueWidth) }));
    const height = rows.reduce((h, r) => h + r.lines.length * leading, 0);
    const after = this.y;
    if (beside) this.y = this.lastParagraph!.top;
    else this.ensure(height);
    for (const row of rows) {
      const top = this.y;
      this.line(row.label, left, this.fonts.regular, size, leading, COLOR.muted);
      this.y = top;
      for (const l of row.lines) this.line(l, left + labelWidth, this.fonts.regular, size, leading);
    }
    this.y = Math.min(this.y - 6, beside ? after : this.y - 6);
  }

  private tableLayouts = new Map<Block, TableLayout>();

  layoutTable(block: Extract<Block, { kind: "table" }>): TableLayout {
    const cached = this.tableLayouts.get(block);
    if (cached) return cached;
    const m = this.measure;
    const { regular, bold } = this.fonts;
    const size = SIZE.table;
    const n = block.header.length;
    const pad = 2 * TABLE.padX;
    const natural: number[] = [];
    const minimum: number[] = [];
    for (let c = 0; c < n; c++) {
      let nat = m.natural(block.header[c], bold, size);
      let min = m.longestWord(block.header[c], bold, size);
      for (const row of block.rows) {
        const cell = m.natural(row[c], regular, size);
        nat = Math.max(nat, cell);
        // A short value ("Los 1", "1.100,00 €", a date and time) is kept on one line.
        min = Math.max(min, cell <= TABLE.keepWhole ? cell : m.longestWord(row[c], regular, size));
      }
      natural.push(nat + pad + 0.5);
      minimum.push(Math.min(min, nat) + pad + 0.5);
    }
    const total = this.width;
    const sum = (a: number[]) => a.reduce((s, v) => s + v, 0);
    let widths: number[];
    if (sum(natural) <= total) {
      const extra = total - sum(natural);
      widths = natural.map((w) => w + (extra * w) / sum(natural));
    } else if (sum(minimum) >= total) {
      widths = minimum.map((w) => (w * total) / sum(minimum));
    } else {
      const room = total - sum(minimum);
      const slack = natural.map((w, i) => w - minimum[i]);
      widths = minimum.map((w, i) => w + (room * slack[i]) / sum(slack));
    }
    const inner = widths.map((w) => Math.max(4, w - pad));
    const header = block.header.map((t, c) => m.wrap(t, bold, size, inner[c]));
    const headerHeight = Math.max(...header.map((l) => l.length)) * TABLE.leading + 2 * TABLE.padY;
    const empty = block.rows.length === 0;
    const rows = empty
      ? [[m.wrap("Keine Einträge.", regular, size, total - pad)]]
      : block.rows.map((row) => row.map((t, c) => m.wrap(t, regular, size, inner[c])));
    const layout = { widths, header, headerHeight, rows, empty };
    this.tableLayouts.set(block, layout);
    return layout;
  }

  private rowHeight(lines: string[][]) {
    return Math.max(1, ...lines.map((l) => l.length)) * TABLE.leading + 2 * TABLE.padY;
  }

  private drawRow(cells: string[][], widths: number[], font: PDFFont, fill: RGB | null, color: RGB = COLOR.text) {
    const height = this.rowHeight(cells);
    const top = this.y;
    let x = this.box.left;
    cells.forEach((lines, c) => {
      const w = widths[c];
      this.page.drawRectangle({
        x,
        y: top - height,
        width: w,
        height,
        color: fill ?? undefined,
        borderColor: COLOR.border,
        borderWidth: 0.5,
      });
      this.y = top - TABLE.padY;
      for (const l of lines) this.line(l, x + TABLE.padX, font, SIZE.table, TABLE.leading, color);
      x += w;
    });
    this.y = top - height;
  }

  table(block: Extract<Block, { kind: "table" }>) {
    const t = this.layoutTable(block);
    const drawHeader = () => this.drawRow(t.header, t.widths, this.fonts.bold, COLOR.headerFill);
    const fullWidth = [this.width];
    this.ensure(t.headerHeight + this.rowHeight(t.rows[0] ?? [[""]]));
    this.space(2);
    drawHeader();
    t.rows.forEach((row, r) => {
      const widths = t.empty ? fullWidth : t.widths;
      const fill = !t.empty && r % 2 === 1 ? COLOR.zebra : null;
      const color = t.empty ? COLOR.muted : COLOR.text;
      let rest = row;
      for (;;) {
        const height = this.rowHeight(rest);
        if (height <= this.remaining() + 0.01) {
          this.drawRow(rest, widths, this.fonts.regular, fill, color);
          break;
        }
        const pageRoom = this.box.top - this.box.bottom - t.headerHeight;
        const freshPage = this.y >= this.box.top - t.headerHeight - 0.01;
        const fitLines = Math.max(freshPage ? 1 : 0, Math.floor((this.remaining() - 2 * TABLE.padY) / TABLE.leading));
        if (!freshPage && (height <= pageRoom || fitLines < 2)) {
          // The row fits on a fresh page (or almost nothing of it fits here): move it whole.
          this.newPage();
          drawHeader();
          if (height > pageRoom) {
            // Taller than a page: split it below.
            continue;
          }
          this.drawRow(rest, widths, this.fonts.regular, fill, color);
          break;
        }
        // Split a row taller than a page across pages.
        this.drawRow(
          rest.map((lines) => lines.slice(0, fitLines)),
          widths,
          this.fonts.regular,
          fill,
          color,
        );
        rest = rest.map((lines) => lines.slice(fitLines));
        this.newPage();
        drawHeader();
      }
    });
    this.y -= 8;
  }

  /** Height of the first piece of a block that should stay with a preceding heading. */
  firstChunk(block: Block | undefined): number {
    if (!block) return 0;
    switch (block.kind) {
      case "heading":
        return (block.level === 1 ? SIZE.h1 : SIZE.h2) * 1.3 + 12;
      case "paragraph":
        return 2 * BODY_LEADING;
      case "list":
      case "fields":
        return BODY_LEADING;
      case "table": {
        const t = this.layoutTable(block);
        return t.headerHeight + this.rowHeight(t.rows[0] ?? [[""]]) + 2;
      }
    }
  }
}

/** Letterhead lines and the height they take at the top of each page. */
function letterheadLayout(letterhead: Letterhead, fonts: Fonts, measure: Measure, width: number) {
  const authority = measure.wrap(letterhead.authority, fonts.bold, SIZE.authority, width);
  const addressText = letterhead.address
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .join(" · ");
  const small = [addressText, letterhead.contact.trim()]
    .filter(Boolean)
    .flatMap((t) => measure.wrap(t, fonts.regular, SIZE.letterhead, width));
  const authorityLeading = SIZE.authority * 1.3;
  const smallLeading = SIZE.letterhead * 1.4;
  const height = authority.length * authorityLeading + 2 + small.length * smallLeading + 6;
  return { authority, small, authorityLeading, smallLeading, height };
}

function drawLetterhead(page: PDFPage, lh: ReturnType<typeof letterheadLayout>, fonts: Fonts, box: Box) {
  let y = PAGE_H - MARGIN_TOP;
  for (const l of lh.authority) {
    page.drawText(l, { x: box.left, y: y - SIZE.authority, font: fonts.bold, size: SIZE.authority, color: COLOR.text });
    y -= lh.authorityLeading;
  }
  y -= 2;
  for (const l of lh.small) {
    page.drawText(l, { x: box.left, y: y - SIZE.letterhead, font: fonts.regular, size: SIZE.letterhead, color: COLOR.muted });
    y -= lh.smallLeading;
  }
  y -= 6;
  page.drawLine({ start: { x: box.left, y }, end: { x: box.right, y }, thickness: 0.6, color: COLOR.rule });
}

function drawFooter(page: PDFPage, footer: string[], pageText: string, fonts: Fonts, measure: Measure, box: Box) {
  const leading = SIZE.footer * 1.35;
  const ruleY = MARGIN_BOTTOM + footer.length * leading + 4;
  page.drawLine({ start: { x: box.left, y: ruleY }, end: { x: box.right, y: ruleY }, thickness: 0.5, color: COLOR.rule });
  let y = ruleY - 4 - SIZE.footer;
  for (const l of footer) {
    page.drawText(l, { x: box.left, y, font: fonts.regular, size: SIZE.footer, color: COLOR.muted });
    y -= leading;
  }
  const w = measure.width(pageText, fonts.regular, SIZE.footer);
  page.drawText(pageText, { x: box.right - w, y: ruleY - 4 - SIZE.footer, font: fonts.regular, size: SIZE.footer, color: COLOR.muted });
}

/** Render template text (already loaded) to a PDF. */
export async function renderPdfFromText(
  text: string,
  data: TemplateData,
  letterhead: Letterhead,
  options: { title?: string } = {},
): Promise<Uint8Array> {
  const blocks = fillTemplate(text, data);
  const bytes = await loadFontBytes();

  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(cachedFontkit);
  const fonts: Fonts = {
    regular: await doc.embedFont(bytes.regular, { subset: true }),
    bold: await doc.embedFont(bytes.bold, { subset: true }),
  };
  const measure = new Measure();

  const left = MARGIN_LEFT;
  const right = PAGE_W - MARGIN_RIGHT;
  const width = right - left;
  const lh = letterheadLayout(letterhead, fonts, measure, width);
  const pageLabelWidth = measure.width("Seite 999 von 999", fonts.regular, SIZE.footer) + 12;
  const footer = measure.wrap(clean(letterhead.footer), fonts.regular, SIZE.footer, width - pageLabelWidth);
  const footerHeight = Math.max(1, footer.length) * SIZE.footer * 1.35 + 4;

  const box: Box = {
    left,
    right,
    top: PAGE_H - MARGIN_TOP - lh.height - 16,
    bottom: MARGIN_BOTTOM + footerHeight + 16,
  };
  const w = new Writer(doc, fonts, measure, box);
  w.newPage();

  blocks.forEach((block, i) => {
    switch (block.kind) {
      case "heading":
        w.heading(block, blocks[i + 1]);
        break;
      case "paragraph":
        w.paragraph(block.lines, blocks[i + 1]?.kind === "fields");
        break;
      case "list":
        w.list(block.items);
        break;
      case "fields":
        w.fields(block.items, blocks[i - 1]?.kind === "paragraph");
        break;
      case "table":
        w.table(block);
        break;
    }
  });

  const total = w.pages.length;
  w.pages.forEach((page, i) => {
    drawLetterhead(page, lh, fonts, box);
    drawFooter(page, footer, `Seite ${i + 1} von ${total}`, fonts, measure, box);
  });

  const firstHeading = blocks.find((b) => b.kind === "heading");
  const title = options.title ?? (firstHeading && firstHeading.kind === "heading" ? firstHeading.text : "Dokument");
  const date = now();
  doc.setTitle(title, { showInWindowTitleBar: true });
  doc.setAuthor(letterhead.authority);
  doc.setCreator("Vergabe und Trägerverwaltung");
  doc.setProducer("Vergabe und Trägerverwaltung (pdf-lib)");
  doc.setLanguage("de-DE");
  doc.setCreationDate(date);
  doc.setModificationDate(date);

  return doc.save();
}

const TEMPLATE_NAME = /^[a-z0-9][a-z0-9-]*$/;

/** Directory of the templates (`templates/` below the working directory). */
export function templatesDir(): string {
  return path.join(process.cwd(), "templates");
}

/** Load `templates/<template>.md`. */
export async function loadTemplate(template: string): Promise<string> {
  if (!TEMPLATE_NAME.test(template)) throw new Error(`Ungültiger Vorlagenname „${template}“`);
  const file = path.join(templatesDir(), `${template}.md`);
  try {
    return await fs.readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new Error(`Vorlage „${template}“ nicht gefunden`);
    throw error;
  }
}

/** Render `templates/<template>.md` with data and letterhead to PDF bytes. */
export async function renderPdf(input: RenderPdfInput): Promise<Uint8Array> {
  const text = await loadTemplate(input.template);
  return renderPdfFromText(text, input.data, input.letterhead, { title: input.title });
}
