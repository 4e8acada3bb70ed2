import { Setting } from "../../entities";
import { ValidationError } from "~/domain/errors";
import { parseSettingValue, SETTING_DEFINITIONS, type SettingDefinition } from "~/domain/settings";
import { appendAudit } from "~/lib/audit.server";
import { nowIso } from "~/lib/clock.server";
import { tx } from "~/lib/db.server";
import { resetLimitCache } from "~/lib/rate-limit.server";
import { getSettings } from "~/lib/settings.server";
import { actorOf, type CurrentUser } from "./auth.server";

export async function settingsForm() {
  const values = await getSettings();
  return (SETTING_DEFINITIONS as readonly SettingDefinition[]).map((d) => ({ ...d, value: (values as Record<string, unknown>)[d.key] as string | number }));
}

/** Save all settings from the form: every value is checked first; nothing is saved on an error. */
export async function saveSettings(user: CurrentUser, raw: Record<string, unknown>): Promise<number> {
  const errors: Record<string, string> = {};
  const parsed: { def: SettingDefinition; value: string | number }[] = [];
  for (const def of SETTING_DEFINITIONS as readonly SettingDefinition[]) {
    if (!(def.key in raw)) continue;
    const r = parseSettingValue(def, String(raw[def.key] ?? ""));
    if (r.ok) parsed.push({ def, value: r.value });
    else errors[def.key] = r.error;
  }
  if (Object.keys(errors).length) throw new ValidationError("Die Einstellungen wurden nicht gespeichert. Bitte prüfen Sie die markierten Angaben.", errors);
  const changed = await tx(async (m) => {
    const current = (await getSettings(m)) as Record<string, unknown>;
    let changed = 0;
    for (const { def, value } of parsed) {
      if (current[def.key] === value) continue;
      await m.getRepository(Setting).save({ key: def.key, value, updatedAt: nowIso(), updatedById: user.id });
      await appendAudit(m, actorOf(user), {
        action: "setting.update",
        summary: `Einstellung „${def.label}“ geändert`,
        entityType: "setting",
        entityId: def.key,
        details: { before: current[def.key], after: value },
      });
      changed++;
    }
    return changed;
  });
  // The rate limits of this process take a saved change at once (other changes within a minute).
  if (changed) resetLimitCache();
  return changed;
}
