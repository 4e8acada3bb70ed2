import type { EntityManager } from "typeorm";
import { Setting } from "../../entities";
import { SETTING_DEFINITIONS, type SettingKey, type SettingValues } from "~/domain/settings";
import { em as readManager } from "./db.server";

/** All settings: stored values over the defaults. */
export async function getSettings(manager?: EntityManager): Promise<SettingValues> {
  const m = manager ?? (await readManager());
  const rows = await m.getRepository(Setting).find();
  const values: Record<string, unknown> = {};
  for (const def of SETTING_DEFINITIONS) values[def.key] = def.default;
  for (const row of rows) if (row.key in values) values[row.key] = row.value;
  return values as SettingValues;
}

export async function getSetting<K extends SettingKey>(key: K, manager?: EntityManager): Promise<SettingValues[K]> {
  return (await getSettings(manager))[key];
}
