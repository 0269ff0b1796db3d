// The numbers Bitrix24 gives its CRM object types (data-types.md "CRM Object Types"). Every
// module names a type through this table, never by a bare number.
export const EntityTypeId = { lead: 1, deal: 2, contact: 3, company: 4, estimate: 7, invoice: 31 } as const;

/** Smart processes are numbered from 128 up; below are the system types. */
export const FIRST_SMART_PROCESS_ID = 128;

export function isSmartProcessId(entityTypeId: number): boolean {
  return Number.isInteger(entityTypeId) && entityTypeId >= FIRST_SMART_PROCESS_ID;
}
