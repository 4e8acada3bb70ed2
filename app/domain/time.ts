/**
 * Time helpers. Instants are stored as ISO 8601 UTC strings; deadlines are entered and shown in
 * Europe/Berlin (DST-correct). Business dates are YYYY-MM-DD strings.
 */
export const TIME_ZONE = "Europe/Berlin";

const partsFormatter = new Intl.DateTimeFormat("en-GB", {
  timeZone: TIME_ZONE,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function berlinParts(instant: Date): LocalParts {
  const parts: Record<string, number> = {};
  for (const p of partsFormatter.formatToParts(instant)) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year,
    month: parts.month,
    day: parts.day,
    hour: parts.hour,
    minute: parts.minute,
    second: parts.second,
  };
}

/** Offset of Berlin local time from UTC at an instant, in minutes (60 or 120). */
export function berlinOffsetMinutes(instant: Date): number {
  const p = berlinParts(instant);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60000);
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/**
 * Berlin wall-clock time "YYYY-MM-DDTHH:mm" (as from <input type="datetime-local">) to a UTC ISO
 * instant. A time that does not exist (spring gap) moves forward by the gap; an ambiguous one
 * (autumn) takes the earlier instant. Returns null on malformed input.
 */
export function berlinLocalToUtc(local: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? "0"].map(Number);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(wall);
  if (check.getUTCDate() !== d || check.getUTCMonth() !== mo - 1) return null;
  // Try the earlier offset (summer time, +2h) first, then winter time (+1h).
  for (const offset of [120, 60]) {
    const candidate = new Date(wall - offset * 60000);
    if (berlinOffsetMinutes(candidate) === offset) return candidate.toISOString();
  }
  // In the spring gap: take the instant one hour later in wall-clock terms.
  return new Date(wall - 60 * 60000).toISOString();
}

/** UTC instant → "YYYY-MM-DDTHH:mm" in Berlin (value for a datetime-local input). */
export function utcToBerlinLocal(iso: string): string {
  const p = berlinParts(new Date(iso));
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

/** "01.12.2026, 09:00 Uhr" in Berlin time. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "–";
  const p = berlinParts(new Date(iso));
  return `${pad(p.day)}.${pad(p.month)}.${p.year}, ${pad(p.hour)}:${pad(p.minute)} Uhr`;
}

/** "01.12.2026, 09:00:07 Uhr": receipts and audit entries show seconds. */
export function formatDateTimeSeconds(iso: string | null | undefined): string {
  if (!iso) return "–";
  const p = berlinParts(new Date(iso));
  return `${pad(p.day)}.${pad(p.month)}.${p.year}, ${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)} Uhr`;
}

/** Business date YYYY-MM-DD → "01.12.2026". */
export function formatDate(date: string | null | undefined): string {
  if (!date) return "–";
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  if (!m) return date;
  return `${m[3]}.${m[2]}.${m[1]}`;
}

/** The Berlin calendar date of an instant, as YYYY-MM-DD. */
export function berlinDate(instant: Date | string): string {
  const p = berlinParts(new Date(instant));
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

/** Is this a real calendar date in YYYY-MM-DD form? */
export function isIsoDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** Accepts "2026-12-01" or German "01.12.2026"; returns YYYY-MM-DD or null. */
export function parseDate(value: string): string | null {
  const v = value.trim();
  if (isIsoDate(v)) return v;
  const m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(v);
  if (!m) return null;
  const iso = `${m[3]}-${pad(Number(m[2]))}-${pad(Number(m[1]))}`;
  return isIsoDate(iso) ? iso : null;
}

/** Whole days from date a to date b (YYYY-MM-DD), b − a. */
export function daysBetween(a: string, b: string): number {
  const pa = Date.UTC(Number(a.slice(0, 4)), Number(a.slice(5, 7)) - 1, Number(a.slice(8, 10)));
  const pb = Date.UTC(Number(b.slice(0, 4)), Number(b.slice(5, 7)) - 1, Number(b.slice(8, 10)));
  return Math.round((pb - pa) / 86400000);
}

/** Add days to a YYYY-MM-DD date. */
export function addDays(date: string, days: number): string {
  const d = new Date(Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))));
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Add calendar months to a YYYY-MM-DD date (the 31st becomes the month's last day). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split("-").map(Number);
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, "0")}-${String(Math.min(d, last)).padStart(2, "0")}`;
}
