// The schema: importing each domain module registers its types and root fields.
import { builder } from './builder.js';
import { describeRelayTypes } from './relay-docs.js';
import './connection.js';
import './types/employee.js';
import './types/stage.js';
import './types/contact.js';
import './types/spa-type.js';
import './types/spa-card.js';
import './types/spa-card-mutations.js';
import './types/spa-card-links.js';
import './types/company.js';

export const schema = describeRelayTypes(builder.toSchema());
