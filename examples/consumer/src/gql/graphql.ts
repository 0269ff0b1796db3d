/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
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