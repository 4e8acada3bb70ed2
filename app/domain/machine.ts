/**
 * A small typed transition table (DESIGN.md § 4): from-states, to-state, the permission and a
 * guard over plain facts. Services and the jobs ask the same table.
 */
import type { Permission } from "./permissions";

export interface Transition<S extends string, E extends string, F> {
  event: E;
  from: readonly S[];
  to: S;
  permission: Permission | "system" | readonly Permission[];
  guard?: (facts: F) => string | null;
}

export type Check<S extends string> = { ok: true; to: S } | { ok: false; reason: string };

export interface Machine<S extends string, E extends string, F extends { state: S }> {
  transitions: readonly Transition<S, E, F>[];
  labels: Record<S, string>;
  check(event: E, facts: F): Check<S>;
  /** May a holder of these permissions (or the system) fire the event at all? */
  permitted(event: E, state: S, actor: "system" | readonly string[]): boolean;
  /** Events possible from a state (ignoring guards), for showing actions. */
  eventsFrom(state: S): E[];
}

export function defineMachine<S extends string, E extends string, F extends { state: S }>(labels: Record<S, string>, transitions: readonly Transition<S, E, F>[]): Machine<S, E, F> {
  const find = (event: E, state: S) => transitions.find((t) => t.event === event && t.from.includes(state));
  return {
    transitions,
    labels,
    check(event, facts) {
      const t = find(event, facts.state);
      if (!t) return { ok: false, reason: `Im Status „${labels[facts.state] ?? facts.state}“ ist diese Aktion nicht möglich.` };
      const problem = t.guard?.(facts) ?? null;
      return problem ? { ok: false, reason: problem } : { ok: true, to: t.to };
    },
    permitted(event, state, actor) {
      const t = find(event, state);
      if (!t) return false;
      const needed = t.permission === "system" ? ["system"] : typeof t.permission === "string" ? [t.permission] : [...t.permission];
      if (actor === "system") return needed.includes("system");
      return needed.some((p) => actor.includes(p));
    },
    eventsFrom(state) {
      return transitions.filter((t) => t.from.includes(state)).map((t) => t.event);
    },
  };
}
