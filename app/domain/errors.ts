/**
 * Typed errors that services throw; one helper (app/lib/http.server.ts) maps them to
 * 400/403/404/409/422. Messages are German and meant for the user. Refused transitions map as
 * written down in docs/decisions/0010-one-transition-path.md.
 */
export class DomainError extends Error {
  readonly status: number = 400;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Input that breaks a rule; fieldErrors name the form fields. */
export class ValidationError extends DomainError {
  readonly status = 400;
  constructor(
    message: string,
    readonly fieldErrors: Record<string, string> = {},
  ) {
    super(message);
  }
}

export class ForbiddenError extends DomainError {
  readonly status = 403;
  constructor(message = "Sie haben keine Berechtigung für diese Aktion.") {
    super(message);
  }
}

export class NotFoundError extends DomainError {
  readonly status = 404;
  constructor(message = "Der Datensatz wurde nicht gefunden.") {
    super(message);
  }
}

export class ConflictError extends DomainError {
  readonly status = 409;
}

/**
 * A rule refuses the action although the request is well-formed and the action fits the current
 * state: a transition guard failed (deadline not reached, second person missing, reason too
 * short). The message is the guard's own German text.
 */
export class RuleError extends DomainError {
  readonly status = 422;
}
