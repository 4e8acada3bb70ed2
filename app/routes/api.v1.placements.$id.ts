import type { LoaderFunctionArgs } from "@remix-run/node";
import * as c from "~/lib/api-contract";
import { apiRoute, pathId, reply } from "~/lib/api-http.server";
import { apiMethodNotAllowed } from "~/lib/http.server";
import { requireApiUser } from "~/lib/session.server";
import { instalmentForProvider } from "~/services/instalments.server";
import { getClaim } from "~/services/placement-claims.server";

/** GET: one of the caller's own placement claims with rule results, instalments and documents. */
export const loader = apiRoute(async ({ request, params }: LoaderFunctionArgs) => {
  const user = await requireApiUser(request, "submit:placement:own");
  const d = await getClaim(user, pathId(params.id, "Der Vermittlungsnachweis wurde nicht gefunden."));
  const cl = d.claim;
  // The response schema keeps to the documented fields: nothing internal (review flags, staff ids) leaves.
  return reply(c.Placement, {
    id: cl.id,
    reference: cl.reference,
    status: cl.status,
    statusLabel: cl.statusLabel,
    channel: cl.channel,
    legalBasis: cl.legalBasis,
    legalBasisLabel: cl.legalBasisLabel,
    assignment: { id: d.assignment.id, reference: d.assignment.reference, validFrom: d.assignment.validFrom, validUntil: d.assignment.validUntil, maxFeeCents: d.assignment.maxFeeCents },
    client: { reference: d.client.reference, name: d.client.name },
    employer: { name: cl.employerName, street: cl.employerStreet, postalCode: cl.employerPostalCode, city: cl.employerCity, vatId: cl.employerVatId, iban: cl.employerIban, manager: cl.employerManager },
    abroad: cl.abroad,
    contractDate: cl.contractDate,
    jobStart: cl.jobStart,
    weeklyHours: cl.weeklyHours / 100,
    insured: cl.insured,
    fixedTermEnd: cl.fixedTermEnd,
    occupation: cl.occupation,
    brokerContractDate: cl.brokerContractDate,
    jobOfferDate: cl.jobOfferDate,
    claimedFeeCents: cl.claimedFeeCents,
    submittedAt: cl.submittedAt,
    decidedAt: cl.decidedAt,
    decisionNote: cl.decisionNote,
    employmentEndedOn: cl.employmentEndedOn,
    rules: d.results.filter((r) => r.severity === "error"),
    instalments: d.instalments.map((i) => instalmentForProvider(i, cl.reference)),
    documents: d.documents.map((doc) => ({ id: doc.id, kind: doc.kind, kindLabel: doc.kindLabel, filename: doc.filename, uploadedAt: doc.uploadedAt, instalmentId: doc.instalmentId })),
    letters: d.letters.map((l) => ({ id: l.id, title: l.title, createdAt: l.createdAt })),
  });
});

export const action = apiMethodNotAllowed;
