// Employees (portal users) and departments.
import {
  countEmployees,
  employeeFilter,
  employeePage,
  fullName,
  type DepartmentRecord,
  type EmployeeRecord,
} from '../../crm/users.js';
import { upstream } from '../context.js';
import { departmentLoader, employeeLoader } from '../loaders.js';
import { builder } from '../builder.js';
import { connectionArgs, keysetConnection, pageComplexity } from '../connection.js';

export const Department = builder.loadableNodeRef('Department', {
  id: { resolve: (d: DepartmentRecord) => d.id, parse: (id) => Number(id) },
  ...departmentLoader,
});

export const Employee = builder.loadableNodeRef('Employee', {
  id: { resolve: (e: EmployeeRecord) => e.id, parse: (id) => Number(id) },
  ...employeeLoader,
});

Department.implement({
  description: 'A department of the company structure (department.get).',
  fields: (t) => ({
    bitrixId: t.exposeInt('id', { nullable: false, description: 'The department id in Bitrix24.' }),
    name: t.exposeString('name', { nullable: false, description: 'Department name.' }),
    sort: t.exposeInt('sort', { nullable: false, description: 'Display order.' }),
    parent: t.field({
      type: Department,
      nullable: true,
      description: 'The parent department; null for the root.',
      resolve: (d) => d.parentId,
    }),
    head: t.field({
      type: Employee,
      nullable: true,
      description: 'The head of the department, when set.',
      resolve: (d) => d.headId,
    }),
  }),
});

Employee.implement({
  description: 'A user of the portal (user.get). Extranet users are employees of partners, not of the company.',
  fields: (t) => ({
    bitrixId: t.exposeInt('id', { nullable: false, description: 'The user id in Bitrix24.' }),
    name: t.exposeString('name', { description: 'First name.' }),
    secondName: t.exposeString('secondName', { description: 'Second (middle) name.' }),
    lastName: t.exposeString('lastName', { description: 'Last name.' }),
    fullName: t.string({
      nullable: false,
      description: 'First, second and last name joined with spaces.',
      resolve: (e) => fullName(e),
    }),
    email: t.exposeString('email', { description: 'E-mail address.' }),
    position: t.exposeString('position', { description: 'Job title (WORK_POSITION).' }),
    active: t.exposeBoolean('active', { nullable: false, description: 'False for dismissed users.' }),
    isExtranet: t.boolean({
      nullable: false,
      description: 'True for extranet (partner) users.',
      resolve: (e) => e.userType === 'extranet',
    }),
    departments: t.field({
      type: [Department],
      nullable: { list: false, items: false },
      description: 'The departments the user belongs to.',
      resolve: async (e, _args, ctx) => {
        const loaded = await Department.getDataloader(ctx).loadMany(e.departmentIds);
        return loaded.filter((d): d is DepartmentRecord => d !== null && !(d instanceof Error));
      },
    }),
  }),
});

const EmployeeFilter = builder.inputType('EmployeeFilter', {
  description: 'Which employees to list. By default: active employees of the company (no extranet users).',
  fields: (t) => ({
    active: t.boolean({
      description: 'true (default): active only; false: dismissed only; null: both.',
      defaultValue: true,
    }),
    departmentId: t.int({ description: 'Members of this department.' }),
    search: t.string({ description: 'Text matched against names (NAME_SEARCH). Taken literally.' }),
    includeExtranet: t.boolean({ description: 'Also list extranet (partner) users.', defaultValue: false }),
  }),
});

const EmployeeConnection = builder.connectionObject({ type: Employee, name: 'EmployeeConnection' });

builder.queryFields((t) => ({
  employee: t.field({
    type: Employee,
    nullable: true,
    description: 'One employee by Bitrix user id; null when there is no such user.',
    args: { id: t.arg.int({ required: true, description: 'The Bitrix user id.' }) },
    resolve: (_root, args) => args.id,
  }),
  employees: t.field({
    type: EmployeeConnection,
    complexity: pageComplexity,
    nullable: true,
    description: 'Employees, in id order, with keyset paging (no 50-row limit).',
    args: {
      first: t.arg.int(connectionArgs.first),
      after: t.arg.string(connectionArgs.after),
      filter: t.arg({ type: EmployeeFilter, description: 'Default: active employees, no extranet users.' }),
    },
    resolve: (_root, args, ctx, info) => {
      const filter = employeeFilter({
        active: args.filter ? args.filter.active : true,
        departmentId: args.filter?.departmentId,
        search: args.filter?.search,
        includeExtranet: args.filter?.includeExtranet,
      });
      return keysetConnection(
        ctx,
        args,
        { employees: filter },
        (e: EmployeeRecord) => e.id,
        async (after, first) => {
          const page = await employeePage(ctx.portal, filter, after, first, upstream(ctx));
          const loader = Employee.getDataloader(ctx);
          for (const row of page.rows) loader.prime(row.id, row);
          return page;
        },
        () => countEmployees(ctx.portal, filter, upstream(ctx)),
        info,
      );
    },
  }),
}));
