// The operations this backend sends. `graphql()` is generated (npm run codegen): each document
// is typed by its result and variables, and carries its persisted-document hash.
import { graphql } from './gql/index.js';

export const ListEmployees = graphql(`
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
`);

export const ListCards = graphql(`
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
`);

export const CreateCard = graphql(`
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
`);

// Typed by the portal's own metadata: the smart process "Onboarding" has its own type and list,
// its custom fields are fields ("Priority" → `priority`, an enum of its list values), and the
// filter and order speak in the same names.
export const UrgentOnboardings = graphql(`
  query UrgentOnboardings($first: Int!, $after: String, $dueBefore: LocalDate!) {
    onboardings(
      first: $first
      after: $after
      where: { priority: { in: [HIGH, URGENT] }, dueDate: { lt: $dueBefore }, not: { stage: { eq: MAIN_SUCCESS } } }
      orderBy: [{ field: DUE_DATE }, { field: UPDATED_AT, direction: DESC }]
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
`);

export const CreateOnboarding = graphql(`
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
`);
