import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { findingText } from "~/domain/invoices";
import * as c from "~/lib/api-contract";
import { apiRoute, asApiPage, fileLimitBytes, filePart, isMultipart, parseQuery, readMultipart, reply, unsupportedMediaType } from "~/lib/api-http.server";
import { sha256Hex } from "~/lib/hash.server";
import { methodNotAllowed, problem } from "~/lib/http.server";
import { requireApiUser } from "~/lib/session.server";
import { apiInvoice, getInvoice, listOwnInvoices, receiveInvoice } from "~/services/invoices.server";
import { idempotentApiCall } from "~/services/idempotency.server";

const RAW_TYPES: Record<string, string> = { "application/xml": "rechnung.xml", "text/xml": "rechnung.xml", "application/pdf": "rechnung.pdf" };
const ACCEPTED = "eine XRechnung mit Content-Type application/xml oder text/xml, eine ZUGFeRD-PDF mit application/pdf, oder multipart/form-data mit dem Teil „file“";

/** GET: the caller's own invoices, newest first (`?status=`, `?page=`, `?pageSize=`). */
export const loader = apiRoute(async ({ request }: LoaderFunctionArgs) => {
  const user = await requireApiUser(request, "submit:invoice:own");
  const query = parseQuery(c.InvoiceQuery, request);
  const result = await listOwnInvoices(user, { status: query.status ?? null, page: query.page, pageSize: query.pageSize });
  return reply(c.InvoicePage, asApiPage({ ...result, rows: result.rows.map(apiInvoice) }, query));
});

function filenameOf(request: Request, fallback: string): string {
  const cd = request.headers.get("Content-Disposition") ?? "";
  const m = /filename="?([^";]+)"?/i.exec(cd);
  return m ? m[1].slice(0, 200) : fallback;
}

/**
 * POST: submit an e-invoice (raw XML/PDF body or multipart part "file"). 201 when accepted; a
 * refused invoice is stored as rejected all the same: 422 with its findings (409 for a
 * duplicate), the stored invoice named in `invoice` (docs/decisions/0021-invoice-intake-api.md).
 */
export const action = apiRoute(async ({ request }: ActionFunctionArgs) => {
  if (request.method !== "POST") return methodNotAllowed("GET, POST");
  const user = await requireApiUser(request, "submit:invoice:own");
  const type = (request.headers.get("Content-Type") ?? "").split(";")[0].trim().toLowerCase();
  const limit = await fileLimitBytes();
  let file: { filename: string; bytes: Uint8Array } | null;
  if (type in RAW_TYPES) {
    const tooLarge = () => problem(413, "Zu groß", `Die Rechnung ist größer als ${Math.round(limit / 1048576)} MB.`, { Connection: "close" });
    if (Number(request.headers.get("Content-Length") ?? 0) > limit) return tooLarge();
    const bytes = new Uint8Array(await request.arrayBuffer());
    if (bytes.length > limit) return tooLarge();
    file = { filename: filenameOf(request, RAW_TYPES[type]), bytes };
  } else if (isMultipart(request)) {
    const form = await readMultipart(request, { files: ["file"] });
    file = await filePart(form, "file");
  } else {
    return unsupportedMediaType(ACCEPTED);
  }
  const upload = file ?? { filename: "", bytes: new Uint8Array() };
  return idempotentApiCall(request, user, () => sha256Hex(upload.bytes), async () => {
    const result = await receiveInvoice(user, { bytes: upload.bytes, filename: upload.filename, channel: "api" });
    const location = `/api/v1/invoices/${result.id}`;
    if (result.status === "rejected") {
      const duplicate = Boolean(result.duplicateOf);
      const status = duplicate ? 409 : 422;
      const errors: Record<string, string> = {};
      for (const f of result.findings) errors[f.rule] = errors[f.rule] ? `${errors[f.rule]} ${f.message}` : f.message;
      const body = c.InvoiceRejected.parse({
        type: "about:blank",
        title: duplicate ? "Rechnung bereits angenommen" : "Rechnung abgelehnt",
        status,
        detail: `Die Rechnung ist als ${result.reference} eingegangen und gespeichert, wurde aber abgelehnt: ${result.findings.map(findingText).join(" ")}`.slice(0, 4000),
        errors,
        invoice: { id: result.id, reference: result.reference, status: result.status, statusLabel: result.statusLabel, location },
        findings: result.findings.map((f) => ({ rule: f.rule, message: f.message, term: f.term ?? null })),
      });
      return problem(status, body.title, body.detail, { Location: location }, { errors: body.errors, invoice: body.invoice, findings: body.findings });
    }
    const d = await getInvoice(user, result.id);
    return reply(c.Invoice, apiInvoice(d.invoice), { status: 201, headers: { Location: location } });
  });
});
