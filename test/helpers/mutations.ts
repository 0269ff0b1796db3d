// The selection every mutation test asks of a typed result: the success is selected by the
// caller (`... on XSuccess { data { … } }`), the errors here.
export const MUTATION_RESULT = `
  __typename
  ... on Error { message }
  ... on ValidationError { field }
  ... on NotFoundError { entity bitrixId }
  ... on UpstreamError { code retryable }`;
