// Documents compiled by relay-compiler in test/ecosystem/clients.test.ts (never executed: the
// test imports the artifacts relay-compiler writes). They select what made Relay fail before:
// the ids of phones, e-mails, list options and contact types.
import { graphql } from 'relay-runtime';

export const contact = graphql`
  query RelayClientContactQuery($id: Int!) {
    contact(id: $id) {
      id
      bitrixId
      fullName
      phones { bitrixId value valueType }
      emails { bitrixId value }
      type { code name }
      companies { id title }
    }
    contactFields { name options { itemId label } }
  }
`;

export const cards = graphql`
  query RelayClientCardsQuery {
    spaCards(entityTypeId: 128, first: 3) {
      edges { node { id title stage { id name } contact { id phones { bitrixId value } } customFields { name value display } } }
    }
  }
`;
