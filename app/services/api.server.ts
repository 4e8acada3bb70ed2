import { NotFoundError } from "~/domain/errors";
import type { CurrentUser } from "./auth.server";
import type { PlacementSubmissionOutput } from "~/lib/api-contract";
import { withRequestNames } from "~/lib/api-http.server";
import { getProvider } from "./providers.server";
import { submitClaim } from "./placement-claims.server";

/** The provider user's own organisation, as the API shows it (no bank data, no internal notes). */
export async function ownProviderForApi(user: CurrentUser) {
  if (!user.providerId) throw new NotFoundError("Ihrem Zugang ist keine Organisation zugeordnet.");
  const d = await getProvider(user, user.providerId);
  const p = d.provider;
  return {
    id: p.id,
    kind: p.kind,
    name: p.name,
    legalForm: p.legalForm,
    address: { street: p.street, postalCode: p.postalCode, city: p.city, region: p.region },
    vatId: p.vatId,
    email: p.email,
    phone: p.phone,
    serviceCategories: p.serviceCategories,
    tradeRegistrationDate: p.tradeRegistrationDate,
    certificationState: d.certState,
    certifications: d.certifications.map((c) => ({ certifyingBody: c.certifyingBody, certificateNumber: c.certificateNumber, validFrom: c.validFrom, validUntil: c.validUntil, scope: c.scope })),
    contacts: d.contacts.map((c) => ({ name: c.name, role: c.role, email: c.email, phone: c.phone })),
  };
}

/**
 * A placement reported through the API (already checked against the contract): the wire's
 * claimedFeeCents is the domain's claimedFee, and a field error names the field as the request
 * did (`placement.weeklyHours` inside the multipart part "placement").
 */
export async function apiSubmitPlacement(
  user: CurrentUser,
  body: PlacementSubmissionOutput,
  files: Parameters<typeof submitClaim>[2],
  options: { requireFiles: boolean; part: string | null },
) {
  const { claimedFeeCents, ...rest } = body;
  const field = (name: string) => (options.part ? `${options.part}.${name}` : name);
  const names: Record<string, string> = { claimedFee: field("claimedFeeCents") };
  for (const key of Object.keys(rest)) names[key] = field(key);
  return withRequestNames(names, () => submitClaim(user, { ...rest, claimedFee: claimedFeeCents ?? null }, files, "api", { requireFiles: options.requireFiles, jsonInput: true }));
}
