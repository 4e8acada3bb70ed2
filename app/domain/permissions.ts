/**
 * The one permission map: used by the server checks (requirePermission) and the UI (navigation).
 * Permissions are strings `action:object[:own|any]`.
 */
export const ROLES = ["admin", "procurement", "case_manager", "finance", "auditor", "provider"] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  admin: "Administration",
  procurement: "Vergabestelle",
  case_manager: "Fallmanagement",
  finance: "Leistungsrechnung / Kasse",
  auditor: "Prüfung (nur lesen)",
  provider: "Träger / Vermittler",
};

export const PERMISSIONS = [
  "manage:user:any",
  "manage:setting:any",
  "read:mail-outbox:any",
  "read:audit:any",
  "read:provider:any",
  "create:provider:any",
  "edit:provider:any",
  "import:provider:any",
  "export:provider:any",
  "confirm:provider-change:any",
  "read:document:any",
  "read:provider:own",
  "edit:provider-contact:own",
  "request:provider-change:own",
  "manage:api-token:own",
  "manage:api-token:any",
  "read:document:own",
  "change:password:own",
  "read:tender:any",
  "manage:tender:any",
  "open:tender:any",
  "evaluate:tender:any",
  "read:tender:published",
  "submit:offer:own",
  "ask:question:own",
  "read:contract:any",
  "read:contract:own",
  "read:placement:any",
  "manage:agreement:any",
  "manage:client:any",
  "read:client-personal:any",
  "assign:client:any",
  "decide:placement:any",
  "certify:instalment:any",
  "read:payable:any",
  "manage:budget:any",
  "grant:ordering-authority:any",
  "register:invoice:any",
  "certify:payment:any",
  "order:payment:any",
  "cancel:payment:any",
  "run:payment:any",
  "book:payment:any",
  "submit:invoice:own",
  "read:invoice:own",
  "read:agreement:own",
  "accept:agreement:own",
  "read:assignment:own",
  "submit:placement:own",
  "read:place:any",
  "manage:measure:any",
  "buy:place:any",
  "approve:purchase:any",
  "record:outcome:any",
  "propose:measure:own",
  "read:purchase:own",
  "answer:purchase:own",
  "report:participation:own",
  "confirm:bill:own",
  "read:comparison:any",
  "read:outcomes:own",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const STAFF_READ: Permission[] = ["read:provider:any", "read:document:any", "change:password:own", "read:tender:any", "read:contract:any", "read:placement:any", "read:place:any"];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: [
    ...STAFF_READ,
    "manage:user:any",
    "manage:setting:any",
    "read:mail-outbox:any",
    "read:audit:any",
    "create:provider:any",
    "edit:provider:any",
    "import:provider:any",
    "export:provider:any",
    "confirm:provider-change:any",
    "read:payable:any",
    "manage:api-token:any",
    "manage:budget:any",
    "grant:ordering-authority:any",
    "read:comparison:any",
  ],
  procurement: [
    ...STAFF_READ,
    "create:provider:any",
    "edit:provider:any",
    "import:provider:any",
    "export:provider:any",
    "confirm:provider-change:any",
    "manage:tender:any",
    "open:tender:any",
    "evaluate:tender:any",
    "manage:agreement:any",
    "decide:placement:any",
    "certify:instalment:any",
    "read:payable:any",
    "certify:payment:any",
    "manage:measure:any",
    "read:comparison:any",
  ],
  case_manager: [...STAFF_READ, "read:comparison:any", "manage:client:any", "read:client-personal:any", "assign:client:any", "decide:placement:any", "certify:instalment:any", "read:payable:any", "certify:payment:any", "buy:place:any", "approve:purchase:any", "record:outcome:any"],
  finance: [
    ...STAFF_READ,
    "export:provider:any",
    "confirm:provider-change:any",
    "read:payable:any",
    "manage:budget:any",
    "register:invoice:any",
    "certify:payment:any",
    "order:payment:any",
    "cancel:payment:any",
    "run:payment:any",
    "book:payment:any",
  ],
  auditor: [...STAFF_READ, "read:comparison:any", "read:audit:any", "export:provider:any", "read:payable:any"],
  provider: [
    "read:provider:own",
    "edit:provider-contact:own",
    "request:provider-change:own",
    "manage:api-token:own",
    "read:document:own",
    "change:password:own",
    "read:tender:published",
    "submit:offer:own",
    "ask:question:own",
    "read:contract:own",
    "read:agreement:own",
    "accept:agreement:own",
    "read:assignment:own",
    "submit:placement:own",
    "submit:invoice:own",
    "read:invoice:own",
    "propose:measure:own",
    "read:purchase:own",
    "answer:purchase:own",
    "report:participation:own",
    "confirm:bill:own",
    "read:outcomes:own",
  ],
};

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

export function can(role: Role | null | undefined, permission: Permission): boolean {
  if (!role) return false;
  return ROLE_PERMISSIONS[role].includes(permission);
}

export interface NavItem {
  to: string;
  label: string;
  permission: Permission;
  /** Only for provider users of these kinds (the placement menus are for brokers). */
  providerKinds?: readonly string[];
  /** Only for staff an admin granted the provider comparison (users.comparisonAccess). */
  needsComparisonAccess?: boolean;
}

/** The navigation: each role sees only what it may use. */
export const NAV_ITEMS: NavItem[] = [
  { to: "/tenders", label: "Ausschreibungen", permission: "read:tender:any" },
  { to: "/providers", label: "Träger und Vermittler", permission: "read:provider:any" },
  { to: "/providers/requests", label: "Änderungsanträge", permission: "confirm:provider-change:any" },
  { to: "/agreements", label: "Vermittlungsvereinbarungen", permission: "read:placement:any" },
  { to: "/clients", label: "Kunden", permission: "manage:client:any" },
  { to: "/placements", label: "Vermittlungsnachweise", permission: "read:placement:any" },
  { to: "/invoices", label: "Rechnungen", permission: "read:payable:any" },
  { to: "/payments", label: "Zahlungen", permission: "read:payable:any" },
  { to: "/finance/budget", label: "Haushalt", permission: "read:payable:any" },
  { to: "/finance/runs", label: "Zahlläufe", permission: "read:payable:any" },
  { to: "/finance/statements", label: "Kontoauszüge", permission: "read:payable:any" },
  { to: "/measures", label: "Maßnahmenkatalog", permission: "read:place:any" },
  { to: "/purchases", label: "Platzkäufe", permission: "read:place:any" },
  { to: "/outcomes", label: "Verbleib erfassen", permission: "record:outcome:any" },
  { to: "/bills", label: "Platzabrechnungen", permission: "read:place:any" },
  { to: "/reports/measures", label: "Maßnahmen im Jahr", permission: "read:place:any" },
  { to: "/comparison", label: "Trägervergleich", permission: "read:comparison:any", needsComparisonAccess: true },
  { to: "/portal", label: "Meine Organisation", permission: "read:provider:own" },
  { to: "/portal/tenders", label: "Ausschreibungen", permission: "read:tender:published" },
  { to: "/portal/contracts", label: "Verträge", permission: "read:contract:own" },
  { to: "/portal/agreements", label: "Vermittlungsvereinbarungen", permission: "read:agreement:own", providerKinds: ["broker"] },
  { to: "/portal/clients", label: "Zugewiesene Kunden", permission: "read:assignment:own", providerKinds: ["broker"] },
  { to: "/portal/placements", label: "Vermittlungsnachweise", permission: "submit:placement:own", providerKinds: ["broker"] },
  { to: "/portal/purchases", label: "Plätze und Teilnehmende", permission: "read:purchase:own", providerKinds: ["training", "agency"] },
  { to: "/portal/bills", label: "Abrechnungen", permission: "confirm:bill:own", providerKinds: ["training", "agency"] },
  { to: "/portal/measures", label: "Maßnahmen", permission: "propose:measure:own", providerKinds: ["training", "agency"] },
  { to: "/portal/invoices", label: "Rechnungen", permission: "submit:invoice:own" },
  { to: "/portal/outcomes", label: "Unsere Ergebnisse", permission: "read:outcomes:own" },
  { to: "/portal/tokens", label: "API-Zugänge", permission: "manage:api-token:own" },
  { to: "/audit", label: "Protokoll", permission: "read:audit:any" },
  { to: "/admin/users", label: "Benutzer", permission: "manage:user:any" },
  { to: "/admin/tokens", label: "API-Zugänge", permission: "manage:api-token:any" },
  { to: "/admin/authorities", label: "Anordnungsbefugnisse", permission: "grant:ordering-authority:any" },
  { to: "/admin/mail", label: "Postausgang", permission: "read:mail-outbox:any" },
  { to: "/admin/settings", label: "Einstellungen", permission: "manage:setting:any" },
];

/** The menu of a role; a provider user also by its organisation's kind (a training provider sees no broker menus). */
export function navFor(role: Role | null | undefined, providerKind?: string | null, comparisonAccess = false): NavItem[] {
  return NAV_ITEMS.filter(
    (item) => can(role, item.permission) && (!item.providerKinds || (providerKind != null && item.providerKinds.includes(providerKind))) && (!item.needsComparisonAccess || comparisonAccess),
  );
}
