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
