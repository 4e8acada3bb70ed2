import { NotFoundError } from "~/domain/errors";
import type { CurrentUser } from "./auth.server";
import { getProvider } from "./providers.server";

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
