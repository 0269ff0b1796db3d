// The schema: importing each domain module registers its types and root fields.
import { builder } from './builder.js';
import { describeRelayTypes } from './relay-docs.js';
import './connection.js';
import './types/employee.js';
import './types/stage.js';

export const schema = describeRelayTypes(builder.toSchema());
