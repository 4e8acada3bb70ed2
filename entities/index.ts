import { ApiToken, LoginFailure, Session, User } from "./user.entity";
import { BankAccount, Certification, ContactPerson, Provider, ProviderChangeRequest } from "./provider.entity";
import { AuditEvent } from "./audit.entity";
import { Document } from "./document.entity";
import { ApiEvent } from "./event.entity";
import { OutboxMessage } from "./outbox.entity";
import { Setting } from "./setting.entity";
import { IdempotencyKey } from "./idempotency.entity";
import { AgreementTerms, Assignment, ClaimDocument, Client, EmploymentSpell, FeeInstalment, FeeSchedule, PlacementAgreement, PlacementClaim } from "./placement.entity";
import { BankStatement, BankStatementLine, BudgetLine, BudgetYear, Commitment, Invoice, OrderingAuthority, PaymentItem, PaymentRun, PaymentRunItem } from "./finance.entity";
import { AttendanceMonth, ExamResult, Measure, MeasureType, Outcome, PlaceBill, PlacePurchase, PlacePurchaseTotal } from "./places.entity";
import { AwardCriterion, Contract, Lot, Offer, OfferScore, OpeningConfirmation, PastPerformanceScore, Tender, TenderDownload, TenderQuestion } from "./tender.entity";

export { ApiToken, LoginFailure, Session, User };
export { BankAccount, Certification, ContactPerson, Provider, ProviderChangeRequest };
export { ApiEvent, AuditEvent, Document, IdempotencyKey, OutboxMessage, Setting };
export { AgreementTerms, Assignment, ClaimDocument, Client, EmploymentSpell, FeeInstalment, FeeSchedule, PlacementAgreement, PlacementClaim };
export { BankStatement, BankStatementLine, BudgetLine, BudgetYear, Commitment, Invoice, OrderingAuthority, PaymentItem, PaymentRun, PaymentRunItem };
export { AttendanceMonth, ExamResult, Measure, MeasureType, Outcome, PlaceBill, PlacePurchase, PlacePurchaseTotal };
export { AwardCriterion, Contract, Lot, Offer, OfferScore, OpeningConfirmation, PastPerformanceScore, Tender, TenderDownload, TenderQuestion };

/** Every entity class; the DataSource lists classes, not globs (the build has no .ts files). */
export const entities = [
  User,
  Session,
  LoginFailure,
  ApiToken,
  Provider,
  ContactPerson,
  Certification,
  BankAccount,
  ProviderChangeRequest,
  AuditEvent,
  Document,
  OutboxMessage,
  Setting,
  Tender,
  Lot,
  AwardCriterion,
  TenderQuestion,
  TenderDownload,
  Offer,
  OpeningConfirmation,
  OfferScore,
  PastPerformanceScore,
  Contract,
  FeeSchedule,
  AgreementTerms,
  PlacementAgreement,
  Client,
  EmploymentSpell,
  Assignment,
  PlacementClaim,
  ClaimDocument,
  FeeInstalment,
  PaymentItem,
  BudgetLine,
  BudgetYear,
  Commitment,
  OrderingAuthority,
  Invoice,
  PaymentRun,
  PaymentRunItem,
  BankStatement,
  BankStatementLine,
  IdempotencyKey,
  ApiEvent,
  MeasureType,
  Measure,
  PlacePurchase,
  PlacePurchaseTotal,
  AttendanceMonth,
  ExamResult,
  Outcome,
  PlaceBill,
];
