/* eslint-disable */
import * as types from './graphql.js';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query ListEmployees($first: Int!, $after: String) {\n    employees(first: $first, after: $after) {\n      edges {\n        node {\n          bitrixId\n          fullName\n          position\n          departments {\n            name\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.ListEmployeesDocument,
    "\n  query ListCards($entityTypeId: Int!, $first: Int!, $after: String) {\n    spaCards(entityTypeId: $entityTypeId, first: $first, after: $after) {\n      totalCount\n      edges {\n        node {\n          bitrixId\n          title\n          opportunity\n          currency\n          stage {\n            name\n            semantics\n          }\n          contact {\n            fullName\n            phones {\n              value\n            }\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.ListCardsDocument,
    "\n  mutation CreateCard($entityTypeId: Int!, $input: CreateSpaCardInput!) {\n    createSpaCard(entityTypeId: $entityTypeId, input: $input) {\n      __typename\n      ... on CreateSpaCardSuccess {\n        data {\n          bitrixId\n          title\n          stage {\n            name\n          }\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.CreateCardDocument,
    "\n  query UrgentOnboardings($first: Int!, $after: String, $dueBefore: LocalDate!) {\n    onboardings(\n      first: $first\n      after: $after\n      where: { priority: { in: [HIGH, URGENT] }, dueDate: { lt: $dueBefore }, not: { stage: { eq: MAIN_SUCCESS } } }\n      orderBy: [{ field: DUE_DATE }, { field: UPDATED_AT, direction: DESC }]\n    ) {\n      totalCount\n      edges {\n        node {\n          bitrixId\n          title\n          priority\n          vip\n          dueDate\n          budget {\n            amount\n            currency\n          }\n          mentor {\n            fullName\n          }\n          tags\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.UrgentOnboardingsDocument,
    "\n  mutation CreateOnboarding($input: CreateOnboardingInput!) {\n    createOnboarding(input: $input) {\n      __typename\n      ... on CreateOnboardingSuccess {\n        data {\n          bitrixId\n          priority\n          dueDate\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.CreateOnboardingDocument,
};
const documents: Documents = {
    "\n  query ListEmployees($first: Int!, $after: String) {\n    employees(first: $first, after: $after) {\n      edges {\n        node {\n          bitrixId\n          fullName\n          position\n          departments {\n            name\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.ListEmployeesDocument,
    "\n  query ListCards($entityTypeId: Int!, $first: Int!, $after: String) {\n    spaCards(entityTypeId: $entityTypeId, first: $first, after: $after) {\n      totalCount\n      edges {\n        node {\n          bitrixId\n          title\n          opportunity\n          currency\n          stage {\n            name\n            semantics\n          }\n          contact {\n            fullName\n            phones {\n              value\n            }\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.ListCardsDocument,
    "\n  mutation CreateCard($entityTypeId: Int!, $input: CreateSpaCardInput!) {\n    createSpaCard(entityTypeId: $entityTypeId, input: $input) {\n      __typename\n      ... on CreateSpaCardSuccess {\n        data {\n          bitrixId\n          title\n          stage {\n            name\n          }\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.CreateCardDocument,
    "\n  query UrgentOnboardings($first: Int!, $after: String, $dueBefore: LocalDate!) {\n    onboardings(\n      first: $first\n      after: $after\n      where: { priority: { in: [HIGH, URGENT] }, dueDate: { lt: $dueBefore }, not: { stage: { eq: MAIN_SUCCESS } } }\n      orderBy: [{ field: DUE_DATE }, { field: UPDATED_AT, direction: DESC }]\n    ) {\n      totalCount\n      edges {\n        node {\n          bitrixId\n          title\n          priority\n          vip\n          dueDate\n          budget {\n            amount\n            currency\n          }\n          mentor {\n            fullName\n          }\n          tags\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.UrgentOnboardingsDocument,
    "\n  mutation CreateOnboarding($input: CreateOnboardingInput!) {\n    createOnboarding(input: $input) {\n      __typename\n      ... on CreateOnboardingSuccess {\n        data {\n          bitrixId\n          priority\n          dueDate\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.CreateOnboardingDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ListEmployees($first: Int!, $after: String) {\n    employees(first: $first, after: $after) {\n      edges {\n        node {\n          bitrixId\n          fullName\n          position\n          departments {\n            name\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): typeof import('./graphql.js').ListEmployeesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ListCards($entityTypeId: Int!, $first: Int!, $after: String) {\n    spaCards(entityTypeId: $entityTypeId, first: $first, after: $after) {\n      totalCount\n      edges {\n        node {\n          bitrixId\n          title\n          opportunity\n          currency\n          stage {\n            name\n            semantics\n          }\n          contact {\n            fullName\n            phones {\n              value\n            }\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): typeof import('./graphql.js').ListCardsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateCard($entityTypeId: Int!, $input: CreateSpaCardInput!) {\n    createSpaCard(entityTypeId: $entityTypeId, input: $input) {\n      __typename\n      ... on CreateSpaCardSuccess {\n        data {\n          bitrixId\n          title\n          stage {\n            name\n          }\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"): typeof import('./graphql.js').CreateCardDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UrgentOnboardings($first: Int!, $after: String, $dueBefore: LocalDate!) {\n    onboardings(\n      first: $first\n      after: $after\n      where: { priority: { in: [HIGH, URGENT] }, dueDate: { lt: $dueBefore }, not: { stage: { eq: MAIN_SUCCESS } } }\n      orderBy: [{ field: DUE_DATE }, { field: UPDATED_AT, direction: DESC }]\n    ) {\n      totalCount\n      edges {\n        node {\n          bitrixId\n          title\n          priority\n          vip\n          dueDate\n          budget {\n            amount\n            currency\n          }\n          mentor {\n            fullName\n          }\n          tags\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): typeof import('./graphql.js').UrgentOnboardingsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateOnboarding($input: CreateOnboardingInput!) {\n    createOnboarding(input: $input) {\n      __typename\n      ... on CreateOnboardingSuccess {\n        data {\n          bitrixId\n          priority\n          dueDate\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"): typeof import('./graphql.js').CreateOnboardingDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
