/**
 * A small typed transition table (DESIGN.md § 4): from-states, to-state, the permission and a
 * guard over plain facts. Services and the jobs ask the same table.
 */
import type { Permission } from "./permissions";

export interface Transition<S extends string, E extends string, F> {
  event: E;
  from: readonly S[];
  to: S;
  permission: Permission | "system" | readonly (Permission | "system")[];
  guard?: (facts: F) => string | null;
}

export type Check<S extends string> = { ok: true; to: S } | { ok: false; reason: string };

/**
 * Why a transition is refused, in the order asked: the actor may not fire the event at all
 * (forbidden), the event does not apply to the current state (state), or its guard says no
 * (guard). services/transition.server.ts maps each to one HTTP answer (ADR 0010).
 */
export type Refusal = "forbidden" | "state" | "guard";
export type Decision<S extends string> = { ok: true; from: S; to: S } | { ok: false; refusal: Refusal; reason: string };

export const NOT_PERMITTED = "Sie haben keine Berechtigung für diese Aktion.";

export interface Machine<S extends string, E extends string, F extends { state: S }> {
  transitions: readonly Transition<S, E, F>[];
  labels: Record<S, string>;
  check(event: E, facts: F): Check<S>;
  /** May a holder of these permissions (or the system) fire the event at all? */
  permitted(event: E, state: S, actor: "system" | readonly string[]): boolean;
  /** Events possible from a state (ignoring guards), for showing actions. */
  eventsFrom(state: S): E[];
  /**
   * Permission, then state, then guard. The permission is asked first and, when the event does
   * not apply to the current state, of the event's other rows, so a refusal for lack of
   * permission never tells the state.
   */
  decide(event: E, facts: F, actor: "system" | readonly string[]): Decision<S>;
}

export function defineMachine<S extends string, E extends string, F extends { state: S }>(labels: Record<S, string>, transitions: readonly Transition<S, E, F>[]): Machine<S, E, F> {
  const find = (event: E, state: S) => transitions.find((t) => t.event === event && t.from.includes(state));
  const mayFire = (t: Transition<S, E, F>, actor: "system" | readonly string[]) => {
    const needed = t.permission === "system" ? ["system"] : typeof t.permission === "string" ? [t.permission] : [...t.permission];
    if (actor === "system") return needed.includes("system");
    return needed.some((p) => actor.includes(p));
  };
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
      return t ? mayFire(t, actor) : false;
    },
    eventsFrom(state) {
      return transitions.filter((t) => t.from.includes(state)).map((t) => t.event);
    },
    decide(event, facts, actor) {
      const from = facts.state;
      const t = find(event, from);
      const allowed = t ? mayFire(t, actor) : transitions.some((x) => x.event === event && mayFire(x, actor));
      if (!allowed) return { ok: false, refusal: "forbidden", reason: NOT_PERMITTED };
      if (!t) return { ok: false, refusal: "state", reason: `Im Status „${labels[from] ?? from}“ ist diese Aktion nicht möglich.` };
      const problem = t.guard?.(facts) ?? null;
      return problem ? { ok: false, refusal: "guard", reason: problem } : { ok: true, from, to: t.to };
    },
  };
}
