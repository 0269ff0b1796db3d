// Batch loaders for employees and departments. DataLoader collects the ids of one resolver
// level; one user.get command per 50 ids rides in the portal scheduler's next batch.
import { departments, employeesByIds, type DepartmentRecord, type EmployeeRecord } from '../../crm/users.js';
import { upstream, type Context } from '../context.js';

export async function loadEmployees(ids: readonly number[], ctx: Context): Promise<(EmployeeRecord | null)[]> {
  const found = await employeesByIds(ctx.portal, ids, upstream(ctx));
  return ids.map((id) => found.get(id) ?? null);
}

/** Departments come from the metadata cache: one department.get for the whole tree. */
export async function loadDepartments(ids: readonly number[], ctx: Context): Promise<(DepartmentRecord | null)[]> {
  const all = await departments(ctx.portal, upstream(ctx));
  const byId = new Map(all.map((d) => [d.id, d]));
  return ids.map((id) => byId.get(id) ?? null);
}
