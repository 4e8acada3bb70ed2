import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { apiError, apiMethodNotAllowed, problem } from "~/lib/http.server";
import { requireApiUser } from "~/lib/session.server";
import { getClaim } from "~/services/placement-claims.server";

/** GET: one of the caller's own placement claims with rule results, instalments and documents. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  try {
    const user = await requireApiUser(request, "submit:placement:own");
    const id = Number(params.id);
    if (!Number.isInteger(id) || id <= 0) return problem(404, "Nicht gefunden", "Der Vermittlungsnachweis wurde nicht gefunden.");
    const d = await getClaim(user, id);
    const c = d.claim;
    // Plain fields only: no internal ids of people, no staff-only markers; the client's name only with consent.
    return json({
      id: c.id,
      reference: c.reference,
      status: c.status,
      statusLabel: c.statusLabel,
      channel: c.channel,
      legalBasis: c.legalBasis,
      legalBasisLabel: c.legalBasisLabel,
      assignment: {
        id: d.assignment.id,
        reference: d.assignment.reference,
        validFrom: d.assignment.validFrom,
        validUntil: d.assignment.validUntil,
        maxFeeCents: d.assignment.maxFeeCents,
      },
      client: { reference: d.client.reference, name: d.client.name },
      employer: {
        name: c.employerName,
        street: c.employerStreet,
        postalCode: c.employerPostalCode,
        city: c.employerCity,
        vatId: c.employerVatId,
        iban: c.employerIban,
        manager: c.employerManager,
      },
      abroad: c.abroad,
      contractDate: c.contractDate,
      jobStart: c.jobStart,
      weeklyHours: c.weeklyHours / 100,
      insured: c.insured,
      fixedTermEnd: c.fixedTermEnd,
      occupation: c.occupation,
      brokerContractDate: c.brokerContractDate,
      jobOfferDate: c.jobOfferDate,
      claimedFeeCents: c.claimedFeeCents,
      submittedAt: c.submittedAt,
      decidedAt: c.decidedAt,
      decisionNote: c.decisionNote,
      employmentEndedOn: c.employmentEndedOn,
      errors: d.results.filter((r) => r.severity === "error"),
      instalments: d.instalments.map((i) => ({
        id: i.id,
        number: i.number,
        label: i.label,
        amountCents: i.amountCents,
        sameEmployer: i.sameEmployer,
        earliestOn: i.earliestOn,
        deadlineOn: i.deadlineOn,
        status: i.status,
        statusLabel: i.statusLabel,
        confirmedUntil: i.confirmedUntil,
      })),
      documents: d.documents.map((doc) => ({
        id: doc.id,
        kind: doc.kind,
        kindLabel: doc.kindLabel,
        filename: doc.filename,
        uploadedAt: doc.uploadedAt,
        instalmentId: doc.instalmentId,
      })),
      letters: d.letters.map((l) => ({
        id: l.id,
        title: l.title,
        createdAt: l.createdAt,
      })),
    });
  } catch (error) {
    return apiError(error);
  }
}

export const action = apiMethodNotAllowed;
