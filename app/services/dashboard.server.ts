import { Provider, ProviderChangeRequest } from "../../entities";
import { em } from "~/lib/db.server";
import { getSetting } from "~/lib/settings.server";
import { expiringCertificates } from "./providers.server";

export async function dashboard() {
  const manager = await em();
  const raw = await manager.getRepository(Provider).createQueryBuilder("p").select("p.kind", "kind").addSelect("COUNT(*)", "n").where("p.active = :a", { a: true }).groupBy("p.kind").getRawMany<{ kind: string; n: string | number }>();
  const counts = { broker: 0, training: 0, agency: 0 } as Record<string, number>;
  for (const r of raw) counts[r.kind] = Number(r.n);
  const [expiring, pendingRequests, warningDays] = await Promise.all([
    expiringCertificates(),
    manager.getRepository(ProviderChangeRequest).count({ where: { status: "pending" } }),
    getSetting("providers.certificateWarningDays"),
  ]);
  return { counts, expiring, pendingRequests, warningDays };
}
