/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** A new Onboarding. */
export type CreateOnboardingInput = {
  /** The responsible employee. */
  assignedById?: number | null | undefined;
  /** Budget (`UF_CRM_1_BUDGET2025`, money). */
  budget?: MoneyInput | null | undefined;
  /** Cliente final (`UF_CRM_1_END_CLIENT`, crm). */
  clienteFinal?: number | null | undefined;
  /** The linked company. */
  companyId?: number | null | undefined;
  /** Linked contacts; the first is the primary one. */
  contactIds?: Array<number> | null | undefined;
  /** ISO currency of the amount. */
  currency?: string | null | undefined;
  /** Due date (`UF_CRM_1_DUE_DATE`, date). */
  dueDate?: string | null | undefined;
  /** The funnel, when no stage is given (its first stage then). */
  funnel?: OnboardingFunnel | null | undefined;
  /** Horas estimadas (`UF_CRM_1_HOURS`, integer). */
  horasEstimadas?: number | null | undefined;
  /** Repeat a create safely: the same key never creates a second card, even when the first answer was lost. A reused key with a different input is a ValidationError. (The Idempotency-Key header works too.) */
  idempotencyKey?: string | null | undefined;
  /** Kick-off (`UF_CRM_1_KICKOFF`, datetime). */
  kickOff?: string | null | undefined;
  /** Local de implantação (`UF_CRM_1_SITE`, address). */
  localDeImplantacao?: unknown;
  /** Marcos (`UF_CRM_1_MILESTONES`, date, multiple). */
  marcos?: Array<string> | null | undefined;
  /** Mentor (`UF_CRM_1_MENTOR`, employee). */
  mentor?: number | null | undefined;
  /** Модули (`UF_CRM_1_1721900000002`, enumeration, multiple). */
  moduli?: Array<OnboardingModuli> | null | undefined;
  /** The amount (types with products). */
  opportunity?: number | null | undefined;
  /** Priority (`UF_CRM_1_1721812814433`, enumeration). */
  priority?: OnboardingPriority | null | undefined;
  /** Priority (`UF_CRM_1_1721900000004`, string). */
  priority2?: string | null | undefined;
  /** Progresso (%) (`UF_CRM_1_1721900000001`, double). */
  progresso?: number | null | undefined;
  /** Reference code (`UF_CRM_1_1721812760630`, string). */
  referenceCode?: string | null | undefined;
  /** Relacionados (`UF_CRM_1_1721900000003`, crm, multiple). */
  relacionados?: Array<CrmBindingInput> | null | undefined;
  /** Repositório (`UF_CRM_1_REPO`, url). */
  repositorio?: string | null | undefined;
  /** The stage (its funnel follows from it). */
  stage?: OnboardingStage | null | undefined;
  /** Tags (`UF_CRM_1_TAGS`, string, multiple). */
  tags?: Array<string> | null | undefined;
  /** The card title. */
  title?: string | null | undefined;
  /** VIP (`UF_CRM_1_IS_VIP`, boolean). */
  vip?: boolean | null | undefined;
};

/** A new card. */
export type CreateSpaCardInput = {
  /** The responsible employee. */
  assignedById?: number | null | undefined;
  /** The funnel; the type's default funnel when omitted. */
  categoryId?: number | null | undefined;
  /** The linked company. */
  companyId?: number | null | undefined;
  /** Linked contacts; the first is the primary one. */
  contactIds?: Array<number> | null | undefined;
  /** ISO currency of the amount. */
  currency?: string | null | undefined;
  /** Custom fields, as in SpaCardInput.fields. */
  fields?: Record<string, unknown> | null | undefined;
  /** Repeat a create safely: the same key never creates a second card, even when the first answer was lost. A reused key with a different input is a ValidationError. (The Idempotency-Key header works too.) */
  idempotencyKey?: string | null | undefined;
  /** The amount (types with products). */
  opportunity?: number | null | undefined;
  /** The first stage; the funnel's first stage when omitted. */
  stageId?: string | null | undefined;
  /** The card title. */
  title?: string | null | undefined;
};

/** A CRM record a binding field points at. */
export type CrmBindingInput = {
  /** Its type: 1 lead, 2 deal, 3 contact, 4 company, 128+ smart process. */
  entityTypeId: number;
  /** Its id. */
  id: number;
};

/** An amount and its currency. */
export type MoneyInput = {
  /** The amount (negative for refunds, credits). */
  amount: number;
  /** ISO 4217 currency code, e.g. `EUR`. */
  currency: string;
};

/** Funnels of Onboarding (Onboarding). */
export type OnboardingFunnel =
  /** Enterprise (id 8) */
  | 'ENTERPRISE'
  /** Main (id 7) */
  | 'MAIN';

/** Values of Onboarding.moduli: Модули. */
export type OnboardingModuli =
  /** CRM (id 431) */
  | 'CRM'
  /** Диск (id 433) */
  | 'DISK'
  /** Телефония (id 434) */
  | 'TELEFONIYA'
  /** Задачи (id 432) */
  | 'ZADACHI';

/** Values of Onboarding.priority: Priority. */
export type OnboardingPriority =
  /** High (id 303) */
  | 'HIGH'
  /** Low (id 301) */
  | 'LOW'
  /** Normal (id 302) */
  | 'NORMAL'
  /** Urgent (id 304) */
  | 'URGENT';

/** Stages of Onboarding (Onboarding), every funnel's. */
export type OnboardingStage =
  /** Approval (id DT128_8:CLIENT) */
  | 'ENTERPRISE_APPROVAL'
  /** Failure (id DT128_8:FAIL) */
  | 'ENTERPRISE_FAILURE'
  /** Preparation (id DT128_8:PREPARATION) */
  | 'ENTERPRISE_PREPARATION'
  /** Start (id DT128_8:NEW) */
  | 'ENTERPRISE_START'
  /** Success (id DT128_8:SUCCESS) */
  | 'ENTERPRISE_SUCCESS'
  /** Approval (id DT128_7:CLIENT) */
  | 'MAIN_APPROVAL'
  /** Failure (id DT128_7:FAIL) */
  | 'MAIN_FAILURE'
  /** Preparation (id DT128_7:PREPARATION) */
  | 'MAIN_PREPARATION'
  /** Review (id DT128_7:UC_REVIEW) */
  | 'MAIN_REVIEW'
  /** Start (id DT128_7:NEW) */
  | 'MAIN_START'
  /** Success (id DT128_7:SUCCESS) */
  | 'MAIN_SUCCESS';

/** What reaching a stage means. */
export type StageSemantics =
  /** Closed as lost / failed. */
  | 'FAILURE'
  /** In progress. */
  | 'PROCESS'
  /** Closed as won / done. */
  | 'SUCCESS';

export type ListEmployeesQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
}>;


export type ListEmployeesQuery = { employees: { edges: Array<{ node: { bitrixId: number, fullName: string, position: string | null, departments: Array<{ name: string }> } | null } | null> | null, pageInfo: { hasNextPage: boolean, endCursor: string | null } } | null };

export type ListCardsQueryVariables = Exact<{
  entityTypeId: number;
  first: number;
  after?: string | null | undefined;
}>;


export type ListCardsQuery = { spaCards: { totalCount: number, edges: Array<{ node: { bitrixId: number, title: string | null, opportunity: number | null, currency: string | null, stage: { name: string, semantics: StageSemantics } | null, contact: { fullName: string, phones: Array<{ value: string }> } | null } | null } | null> | null, pageInfo: { hasNextPage: boolean, endCursor: string | null } } | null };

export type CreateCardMutationVariables = Exact<{
  entityTypeId: number;
  input: CreateSpaCardInput;
}>;


export type CreateCardMutation = { createSpaCard:
    | { __typename: 'CreateSpaCardSuccess', data: { bitrixId: number, title: string | null, stage: { name: string } | null } }
    | { __typename: 'ForbiddenError', message: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'UpstreamError', message: string }
    | { __typename: 'ValidationError', message: string }
   | null };

export type UrgentOnboardingsQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
  dueBefore: string;
}>;


export type UrgentOnboardingsQuery = { onboardings: { totalCount: number, edges: Array<{ node: { bitrixId: number, title: string | null, priority: OnboardingPriority | null, vip: boolean | null, dueDate: string | null, tags: Array<string>, budget: { amount: number, currency: string } | null, mentor: { fullName: string } | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } | null };

export type CreateOnboardingMutationVariables = Exact<{
  input: CreateOnboardingInput;
}>;


export type CreateOnboardingMutation = { createOnboarding:
    | { __typename: 'CreateOnboardingSuccess', data: { bitrixId: number, priority: OnboardingPriority | null, dueDate: string | null } }
    | { __typename: 'ForbiddenError', message: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'UpstreamError', message: string }
    | { __typename: 'ValidationError', message: string }
   | null };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}

export const ListEmployeesDocument = new TypedDocumentString(`
    query ListEmployees($first: Int!, $after: String) {
  employees(first: $first, after: $after) {
    edges {
      node {
        bitrixId
        fullName
        position
        departments {
          name
        }
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    `, {"hash":"sha256:7bbe26cfeb3b522a8c2a32b191a77dfe4a633f161b26334eb8f5348b4285a990"}) as unknown as TypedDocumentString<ListEmployeesQuery, ListEmployeesQueryVariables>;
export const ListCardsDocument = new TypedDocumentString(`
    query ListCards($entityTypeId: Int!, $first: Int!, $after: String) {
  spaCards(entityTypeId: $entityTypeId, first: $first, after: $after) {
    totalCount
    edges {
      node {
        bitrixId
        title
        opportunity
        currency
        stage {
          name
          semantics
        }
        contact {
          fullName
          phones {
            value
          }
        }
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    `, {"hash":"sha256:59b1582820e6ed10cc8a609548f9e772520bd0618db3bb94afa5e6d644e0ecd5"}) as unknown as TypedDocumentString<ListCardsQuery, ListCardsQueryVariables>;
export const CreateCardDocument = new TypedDocumentString(`
    mutation CreateCard($entityTypeId: Int!, $input: CreateSpaCardInput!) {
  createSpaCard(entityTypeId: $entityTypeId, input: $input) {
    __typename
    ... on CreateSpaCardSuccess {
      data {
        bitrixId
        title
        stage {
          name
        }
      }
    }
    ... on Error {
      message
    }
  }
}
    `, {"hash":"sha256:e149f0aae5ea884b2c5c0039a67acb24f275f1f27c83dd7204de5ac2b91d0bf4"}) as unknown as TypedDocumentString<CreateCardMutation, CreateCardMutationVariables>;
export const UrgentOnboardingsDocument = new TypedDocumentString(`
    query UrgentOnboardings($first: Int!, $after: String, $dueBefore: LocalDate!) {
  onboardings(
    first: $first
    after: $after
    where: {priority: {in: [HIGH, URGENT]}, dueDate: {lt: $dueBefore}, not: {stage: {eq: MAIN_SUCCESS}}}
    orderBy: [{field: DUE_DATE}, {field: UPDATED_AT, direction: DESC}]
  ) {
    totalCount
    edges {
      node {
        bitrixId
        title
        priority
        vip
        dueDate
        budget {
          amount
          currency
        }
        mentor {
          fullName
        }
        tags
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    `, {"hash":"sha256:01ad9ade33cc131068e00a4740c696d6e80d6effe14048bd2d8dd5c18a6860e6"}) as unknown as TypedDocumentString<UrgentOnboardingsQuery, UrgentOnboardingsQueryVariables>;
export const CreateOnboardingDocument = new TypedDocumentString(`
    mutation CreateOnboarding($input: CreateOnboardingInput!) {
  createOnboarding(input: $input) {
    __typename
    ... on CreateOnboardingSuccess {
      data {
        bitrixId
        priority
        dueDate
      }
    }
    ... on Error {
      message
    }
  }
}
    `, {"hash":"sha256:ac316a983eaa87103fa5518f62c717fb5c3a1be4928e57d111779dc0f33c70bf"}) as unknown as TypedDocumentString<CreateOnboardingMutation, CreateOnboardingMutationVariables>;