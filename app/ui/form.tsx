import { Form, useNavigation } from "@remix-run/react";
import type { ReactNode } from "react";

export interface FieldProps {
  name: string;
  label: string;
  type?: string;
  defaultValue?: string | number | null;
  error?: string;
  required?: boolean;
  hint?: string;
  autoComplete?: string;
  placeholder?: string;
  inputMode?: "text" | "numeric" | "decimal" | "email" | "tel";
  /** Prefix for the element id when two forms on one page share a field name. */
  idPrefix?: string;
}

/** A labelled input with its German error message right below it. */
export function Field({ name, label, type = "text", defaultValue, error, required, hint, autoComplete, placeholder, inputMode, idPrefix = "f" }: FieldProps) {
  const id = `${idPrefix}-${name}`;
  const describedBy = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div className={`field${error ? " field-error" : ""}`}>
      <label htmlFor={id}>
        {label}
        {required ? <span aria-hidden="true"> *</span> : null}
      </label>
      <input
        id={id}
        name={name}
        type={type}
        defaultValue={defaultValue ?? undefined}
        required={required}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        autoComplete={autoComplete}
        placeholder={placeholder}
        inputMode={inputMode}
      />
      {hint ? (
        <div className="hint" id={`${id}-hint`}>
          {hint}
        </div>
      ) : null}
      {error ? (
        <div className="error" id={`${id}-error`}>
          {error}
        </div>
      ) : null}
    </div>
  );
}

export function TextArea({ name, label, defaultValue, error, required, hint, idPrefix = "f" }: FieldProps) {
  const id = `${idPrefix}-${name}`;
  const describedBy = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div className={`field${error ? " field-error" : ""}`}>
      <label htmlFor={id}>
        {label}
        {required ? <span aria-hidden="true"> *</span> : null}
      </label>
      <textarea id={id} name={name} defaultValue={defaultValue ?? undefined} required={required} rows={4} aria-invalid={error ? true : undefined} aria-describedby={describedBy} />
      {hint ? <div className="hint" id={`${id}-hint`}>{hint}</div> : null}
      {error ? <div className="error" id={`${id}-error`}>{error}</div> : null}
    </div>
  );
}

export function Select({
  name,
  label,
  options,
  defaultValue,
  error,
  required,
  idPrefix = "f",
}: {
  name: string;
  label: string;
  options: { value: string; label: string }[];
  defaultValue?: string | null;
  error?: string;
  required?: boolean;
  idPrefix?: string;
}) {
  const id = `${idPrefix}-${name}`;
  return (
    <div className={`field${error ? " field-error" : ""}`}>
      <label htmlFor={id}>
        {label}
        {required ? <span aria-hidden="true"> *</span> : null}
      </label>
      <select id={id} name={name} defaultValue={defaultValue ?? undefined} required={required} aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {error ? <div className="error" id={`${id}-error`}>{error}</div> : null}
    </div>
  );
}

export function FormError({ message }: { message?: string | null }) {
  if (!message) return null;
  return (
    <div className="alert alert-error" role="alert">
      {message}
    </div>
  );
}

export function SubmitButton({ children, intent, danger, confirm }: { children: ReactNode; intent?: string; danger?: boolean; confirm?: string }) {
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  return (
    <button
      type="submit"
      name={intent ? "intent" : undefined}
      value={intent}
      className={danger ? "button danger" : "button"}
      disabled={busy}
      onClick={
        confirm
          ? (e) => {
              if (!window.confirm(confirm)) e.preventDefault();
            }
          : undefined
      }
    >
      {children}
    </button>
  );
}

export { Form };

/** A one-button form that removes one row (with a confirmation before it happens). */
export function RemoveButton({ intent, field, value, confirm, label = "Entfernen" }: { intent: string; field: string; value: number | string; confirm: string; label?: string }) {
  return (
    <Form method="post">
      <input type="hidden" name={field} value={value} />
      <SubmitButton intent={intent} danger confirm={confirm}>
        {label}
      </SubmitButton>
    </Form>
  );
}
