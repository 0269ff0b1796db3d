// The schema: importing each domain module registers its types and root fields.
import { builder } from './builder.js';
import { describeGeneratedTypes } from './generated-docs.js';
import './connection.js';
import './types/employee.js';
import './types/stage.js';
import './types/contact.js';
import './types/contact-mutations.js';
import './types/spa-type.js';
import './types/spa-card.js';
import './types/spa-card-mutations.js';
import './types/bulk.js';
import './types/spa-card-bulk.js';
import './types/subscriptions.js';
import './types/changes.js';
import './types/company.js';
import './types/deal.js';
import './types/lead.js';
import './types/company-mutations.js';
import './types/lead-mutations.js';
import './types/deal-mutations.js';
import './types/record-bulk.js';

export const schema = describeGeneratedTypes(builder.toSchema());
