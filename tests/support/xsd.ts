/**
 * XSD validation for tests, with libxml2-wasm (libxml2 compiled to WebAssembly: no native
 * build, so `npm install && npm test` works without apt). Same engine as `xmllint --schema`.
 * A schema is parsed once per path and kept for the test process.
 */
import fs from "node:fs";
import path from "node:path";
import { XmlDocument, XmlLibError, XsdValidator } from "libxml2-wasm";

const validators = new Map<string, XsdValidator>();

function validatorFor(xsdPath: string): XsdValidator {
  const key = path.resolve(xsdPath);
  let validator = validators.get(key);
  if (!validator) {
    const schemaDoc = XmlDocument.fromBuffer(fs.readFileSync(key), { url: key });
    try {
      validator = XsdValidator.fromDoc(schemaDoc);
    } finally {
      schemaDoc.dispose();
    }
    validators.set(key, validator);
  }
  return validator;
}

/**
 * Validate `xml` against the schema at `xsdPath`. Returns the errors as "line N: message"
 * (an empty array means valid); a document that is not well-formed XML is one error.
 */
export function validateXsd(xml: string, xsdPath: string): string[] {
  const validator = validatorFor(xsdPath);
  let doc: XmlDocument;
  try {
    doc = XmlDocument.fromString(xml);
  } catch (error) {
    return describe(error);
  }
  try {
    validator.validate(doc);
    return [];
  } catch (error) {
    return describe(error);
  } finally {
    doc.dispose();
  }
}

function describe(error: unknown): string[] {
  if (error instanceof XmlLibError && error.details.length > 0) {
    return error.details.map((d) => `line ${d.line}: ${d.message.trim()}`);
  }
  return [error instanceof Error ? error.message : String(error)];
}

/** The shared standards folder beside the project (…/shared/standards), from the repo root. */
export const standardsDir = path.resolve(__dirname, "..", "..", "..", "shared", "standards");
export const PAIN_001_001_09_XSD = path.join(standardsDir, "sepa", "pain.001.001.09.xsd");
