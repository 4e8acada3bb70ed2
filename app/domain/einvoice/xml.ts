/**
 * XML plumbing for the e-invoice reader: refusing DOCTYPEs before any parsing, the
 * fast-xml-parser set-up, navigation helpers and decimal → cents conversion.
 *
 * The parser runs with `processEntities: false` (no entity is ever expanded; the five
 * predefined XML entities and character references are decoded here, in `text`), keeps every
 * value as a string (`parseTagValue: false`), keeps attributes (`currencyID`, `unitCode`,
 * `schemeID`) and drops namespace prefixes; every element is an array, so repeated and single
 * elements read alike.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";

export type XmlNode = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  trimValues: true,
  textNodeName: "#text",
  isArray: (_name, _jpath, _isLeaf, isAttribute) => !isAttribute,
});

/** `<!DOCTYPE` or `<!ENTITY` anywhere in the text (any case): never parsed. */
export function hasDoctype(xml: string): boolean {
  return /<!\s*(DOCTYPE|ENTITY)/i.test(xml);
}

/** Byte length in UTF-8 without encoding the whole text when the answer is obvious. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

export interface RootInfo {
  localName: string;
  namespace: string | null;
}

/** The document element's local name and namespace, read from its start tag. */
export function rootElement(xml: string): RootInfo | null {
  const re = /<([^?!/\s>][^\s/>]*)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*\/?>/g;
  // skip the prolog: comments and processing instructions
  let pos = 0;
  for (;;) {
    const lt = xml.indexOf("<", pos);
    if (lt < 0) return null;
    if (xml.startsWith("<?", lt)) {
      const end = xml.indexOf("?>", lt);
      if (end < 0) return null;
      pos = end + 2;
      continue;
    }
    if (xml.startsWith("<!--", lt)) {
      const end = xml.indexOf("-->", lt);
      if (end < 0) return null;
      pos = end + 3;
      continue;
    }
    re.lastIndex = lt;
    const m = re.exec(xml);
    if (!m || m.index !== lt) return null;
    const qname = m[1];
    const colon = qname.indexOf(":");
    const prefix = colon >= 0 ? qname.slice(0, colon) : null;
    const localName = colon >= 0 ? qname.slice(colon + 1) : qname;
    const attrName = prefix ? `xmlns:${prefix}` : "xmlns";
    let namespace: string | null = null;
    for (const a of m[2].matchAll(/([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
      if (a[1] === attrName) namespace = a[2] ?? a[3] ?? null;
    }
    return { localName, namespace };
  }
}

export type ParseResult = { ok: true; doc: XmlNode } | { ok: false; error: string; line?: number };

export function parseXml(xml: string): ParseResult {
  const valid = XMLValidator.validate(xml, { allowBooleanAttributes: false });
  if (valid !== true) return { ok: false, error: valid.err.msg, line: valid.err.line };
  try {
    return { ok: true, doc: parser.parse(xml) as XmlNode };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

// ---------------------------------------------------------------------------------------------
// Navigation
// ---------------------------------------------------------------------------------------------

/** Every element reached by the path of local names (all matches, document order). */
export function all(node: unknown, ...names: string[]): unknown[] {
  let current: unknown[] = Array.isArray(node) ? node : [node];
  for (const name of names) {
    const next: unknown[] = [];
    for (const n of current) {
      if (n && typeof n === "object") {
        const v = (n as XmlNode)[name];
        if (Array.isArray(v)) next.push(...v);
        else if (v !== undefined) next.push(v);
      }
    }
    current = next;
  }
  return current;
}

export function first(node: unknown, ...names: string[]): unknown {
  return all(node, ...names)[0];
}

const ENTITY = /&(lt|gt|amp|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/g;

function decodeEntities(s: string): string {
  if (!s.includes("&")) return s;
  return s.replace(ENTITY, (whole, name: string) => {
    switch (name) {
      case "lt": return "<";
      case "gt": return ">";
      case "amp": return "&";
      case "quot": return '"';
      case "apos": return "'";
      default: {
        const code = name[1] === "x" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
      }
    }
  });
}

/** The trimmed text of an element (null when absent or empty). */
export function text(node: unknown): string | null {
  let raw: unknown = node;
  if (node && typeof node === "object") raw = (node as XmlNode)["#text"];
  if (typeof raw !== "string") return null;
  const t = decodeEntities(raw).trim();
  return t === "" ? null : t;
}

export function textAt(node: unknown, ...names: string[]): string | null {
  for (const n of all(node, ...names)) {
    const t = text(n);
    if (t !== null) return t;
  }
  return null;
}

export function attr(node: unknown, name: string): string | null {
  if (!node || typeof node !== "object") return null;
  const v = (node as XmlNode)[`@_${name}`];
  return typeof v === "string" ? decodeEntities(v).trim() || null : null;
}

// ---------------------------------------------------------------------------------------------
// Numbers and dates
// ---------------------------------------------------------------------------------------------

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/**
 * "336.9" → 33690, "-12.5" → -1250, "7" → 700, "0.005" → 1 (half away from zero).
 * `decimals` is the number of digits written after the point. null when not a decimal.
 */
export function decimalToCents(raw: string): { cents: number; decimals: number } | null {
  const m = DECIMAL.exec(raw.trim());
  if (!m || (m[2] === "" && (m[3] ?? "") === "")) return null;
  const frac = m[3] ?? "";
  const whole = m[2] === "" ? 0 : Number(m[2]);
  let cents = whole * 100 + Number((frac + "00").slice(0, 2));
  if (frac.length > 2 && frac.charCodeAt(2) >= 53) cents += 1; // third digit ≥ 5
  if (!Number.isSafeInteger(cents)) return null;
  if (m[1] === "-" && cents !== 0) cents = -cents;
  return { cents, decimals: frac.length };
}

/** A decimal in canonical form: no sign "+", no leading or trailing zeros ("7.00" → "7"). */
export function normalizeDecimal(raw: string | null): string | null {
  if (raw === null) return null;
  const m = DECIMAL.exec(raw.trim());
  if (!m || (m[2] === "" && (m[3] ?? "") === "")) return raw.trim();
  const whole = m[2].replace(/^0+(?=\d)/, "") || "0";
  const frac = (m[3] ?? "").replace(/0+$/, "");
  const body = frac ? `${whole}.${frac}` : whole;
  return m[1] === "-" && body !== "0" ? `-${body}` : body;
}

/** UBL xs:date "2016-04-04" or CII format 102 "20160404" → "2016-04-04"; null if invalid. */
export function toIsoDate(raw: string | null): string | null {
  if (raw === null) return null;
  const m = /^(\d{4})-?(\d{2})-?(\d{2})(?:Z|[+-]\d{2}:\d{2})?$/.exec(raw.trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return `${m[1]}-${m[2]}-${m[3]}`;
}
