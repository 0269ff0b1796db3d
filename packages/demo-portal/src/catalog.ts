// Portal metadata: smart-process types, funnels (categories), stages and the other crm.status
// dictionaries. Static for the demo portal (there is no crm.type.add here), built once.

export const SPA_FLAGS = [
  'isCategoriesEnabled',
  'isStagesEnabled',
  'isBeginCloseDatesEnabled',
  'isClientEnabled',
  'isUseInUserfieldEnabled',
  'isLinkWithProductsEnabled',
  'isMycompanyEnabled',
  'isDocumentsEnabled',
  'isSourceEnabled',
  'isObserversEnabled',
  'isRecyclebinEnabled',
  'isAutomationEnabled',
  'isBizProcEnabled',
  'isSetOpenPermissions',
  'isPaymentsEnabled',
  'isCountersEnabled',
] as const;
export type SpaFlag = (typeof SPA_FLAGS)[number];

export interface SpaType {
  id: number;
  entityTypeId: number;
  title: string;
  code: string;
  flags: Record<SpaFlag, boolean>;
  createdTime: number;
  updatedTime: number;
}

export interface Category {
  id: number;
  entityTypeId: number;
  name: string;
  sort: number;
  isDefault: boolean;
}

export type Semantics = 'process' | 'success' | 'failure' | 'apology';

export interface StatusRow {
  ID: number;
  ENTITY_ID: string;
  STATUS_ID: string;
  NAME: string;
  SORT: number;
  SYSTEM: boolean;
  CATEGORY_ID: number | null;
  COLOR: string | null;
  semantics: Semantics;
  /** lead/deal rows carry EXTRA (§7.9); SPA and plain dictionaries do not. */
  extra: boolean;
}

export interface Dictionary {
  ID: string;
  NAME: string;
  PREFIX?: string;
  ENTITY_TYPE_ID?: number;
  CATEGORY_ID?: number;
}

const ALL_OFF = Object.fromEntries(SPA_FLAGS.map((k) => [k, false])) as Record<SpaFlag, boolean>;
const on = (...keys: SpaFlag[]) => ({ ...ALL_OFF, ...Object.fromEntries(keys.map((k) => [k, true])) });

const T0 = Date.parse('2024-01-10T09:00:00Z');

export const SPA_TYPES: SpaType[] = [
  {
    id: 1,
    entityTypeId: 128,
    title: 'Onboarding',
    code: 'onboarding',
    flags: on(
      'isCategoriesEnabled',
      'isStagesEnabled',
      'isBeginCloseDatesEnabled',
      'isClientEnabled',
      'isLinkWithProductsEnabled',
      'isSourceEnabled',
      'isObserversEnabled',
      'isRecyclebinEnabled',
      'isAutomationEnabled',
      'isBizProcEnabled',
      'isSetOpenPermissions',
    ),
    createdTime: T0,
    updatedTime: T0,
  },
  {
    id: 2,
    entityTypeId: 130,
    title: 'Support tickets',
    code: 'support',
    flags: on('isStagesEnabled', 'isClientEnabled', 'isSetOpenPermissions', 'isAutomationEnabled'),
    createdTime: T0 + 86_400_000,
    updatedTime: T0 + 86_400_000,
  },
  {
    id: 3,
    entityTypeId: 1032,
    title: 'Assets',
    code: 'assets',
    flags: on('isClientEnabled', 'isSetOpenPermissions'),
    createdTime: T0 + 2 * 86_400_000,
    updatedTime: T0 + 2 * 86_400_000,
  },
];

/** Item-field flags of §7.7 on the type record. */
export const CATEGORIES: Category[] = [
  { id: 0, entityTypeId: 2, name: 'General', sort: 100, isDefault: true },
  { id: 1, entityTypeId: 2, name: 'Partners', sort: 200, isDefault: false },
  { id: 7, entityTypeId: 128, name: 'Main', sort: 100, isDefault: true },
  { id: 8, entityTypeId: 128, name: 'Enterprise', sort: 200, isDefault: false },
  { id: 9, entityTypeId: 130, name: 'General', sort: 100, isDefault: true },
  { id: 10, entityTypeId: 1032, name: 'General', sort: 100, isDefault: true },
];

type StageSpec = [code: string, name: string, semantics: Semantics, color: string];

const SPA_DEFAULT_STAGES: StageSpec[] = [
  ['NEW', 'Start', 'process', '#22B9FF'],
  ['PREPARATION', 'Preparation', 'process', '#88B9FF'],
  ['CLIENT', 'Approval', 'process', '#FFCC00'],
  ['SUCCESS', 'Success', 'success', '#7BD500'],
  ['FAIL', 'Failure', 'failure', '#FF5752'],
];

function dict(entity: string, rows: [string, string][]): [string, StageSpec[]] {
  return [entity, rows.map(([c, n]) => [c, n, 'process', ''] as StageSpec)];
}

/** Builds every crm.status row; ids are sequential so they are stable for a given build. */
function buildStatuses(): StatusRow[] {
  const out: StatusRow[] = [];
  const push = (
    entity: string,
    category: number | null,
    specs: StageSpec[],
    prefix: string,
    extra: boolean,
    isStage: boolean,
  ) => {
    specs.forEach(([code, name, sem, color], i) => {
      out.push({
        ID: out.length + 1,
        ENTITY_ID: entity,
        STATUS_ID: prefix + code,
        NAME: name,
        SORT: (i + 1) * 10,
        SYSTEM: isStage ? sem !== 'process' || code === 'NEW' : true,
        CATEGORY_ID: category,
        COLOR: isStage ? color : null,
        semantics: sem,
        extra,
      });
    });
  };
  const dicts: [string, StageSpec[]][] = [
    dict('CONTACT_TYPE', [
      ['CLIENT', 'Clients'],
      ['SUPPLIER', 'Suppliers'],
      ['PARTNER', 'Partners'],
      ['OTHER', 'Other'],
    ]),
    dict('COMPANY_TYPE', [
      ['CUSTOMER', 'Client'],
      ['SUPPLIER', 'Supplier'],
      ['COMPETITOR', 'Competitor'],
      ['PARTNER', 'Partner'],
      ['OTHER', 'Other'],
    ]),
    dict('SOURCE', [
      ['CALL', 'Call'],
      ['EMAIL', 'E-Mail'],
      ['WEB', 'Website'],
      ['ADVERTISING', 'Advertising'],
      ['PARTNER', 'Existing client'],
      ['RECOMMENDATION', 'By recommendation'],
      ['OTHER', 'Other'],
    ]),
    dict('HONORIFIC', [
      ['HNR_EN_1', 'Mr.'],
      ['HNR_EN_2', 'Mrs.'],
      ['HNR_EN_3', 'Ms.'],
      ['HNR_EN_4', 'Dr.'],
    ]),
    dict('INDUSTRY', [
      ['IT', 'Information Technology'],
      ['MANUFACTURING', 'Manufacturing'],
      ['BANKING', 'Banking Services'],
      ['CONSULTING', 'Consulting'],
      ['OTHER', 'Other'],
    ]),
    dict('DEAL_TYPE', [
      ['SALE', 'Sales'],
      ['COMPLEX', 'Complex sale'],
      ['SERVICES', 'Services'],
      ['GOODS', 'Goods'],
    ]),
  ];
  for (const [entity, specs] of dicts) push(entity, null, specs, '', false, false);
  push(
    'STATUS',
    null,
    [
      ['NEW', 'Unassigned', 'process', '#2FC6F6'],
      ['IN_PROCESS', 'In progress', 'process', '#FFA900'],
      ['PROCESSED', 'Processed', 'process', '#55D0E0'],
      ['CONVERTED', 'Good lead', 'success', '#7BD500'],
      ['JUNK', 'Junk lead', 'failure', '#FF5752'],
    ],
    '',
    true,
    true,
  );
  push(
    'DEAL_STAGE',
    0,
    [
      ['NEW', 'New', 'process', '#39A8EF'],
      ['PREPARATION', 'Preparing documents', 'process', '#2FC6F6'],
      ['PREPAYMENT_INVOICE', 'Invoice', 'process', '#55D0E0'],
      ['EXECUTING', 'In progress', 'process', '#47E4C2'],
      ['FINAL_INVOICE', 'Final invoice', 'process', '#FFA900'],
      ['WON', 'Deal won', 'success', '#7BD500'],
      ['LOSE', 'Deal lost', 'failure', '#FF5752'],
      ['APOLOGY', 'Analyze failure', 'apology', '#FF5752'],
    ],
    '',
    true,
    true,
  );
  push(
    'DEAL_STAGE_1',
    1,
    [
      ['NEW', 'New', 'process', '#39A8EF'],
      ['PREPARATION', 'Negotiation', 'process', '#2FC6F6'],
      ['EXECUTING', 'In progress', 'process', '#47E4C2'],
      ['WON', 'Deal won', 'success', '#7BD500'],
      ['LOSE', 'Deal lost', 'failure', '#FF5752'],
    ],
    'C1:',
    true,
    true,
  );
  for (const c of CATEGORIES) {
    const t = SPA_TYPES.find((x) => x.entityTypeId === c.entityTypeId);
    if (!t?.flags.isStagesEnabled) continue;
    const specs = [...SPA_DEFAULT_STAGES];
    // A custom in-progress stage (UC_ codes are what the portal generates for user stages).
    if (c.id === 7) specs.splice(3, 0, ['UC_REVIEW', 'Review', 'process', '#FF8800']);
    push(stageEntityId(c.entityTypeId, c.id), c.id, specs, `DT${c.entityTypeId}_${c.id}:`, false, true);
  }
  return out;
}

/** Dictionary id holding the stages of a funnel (§7.9). */
export function stageEntityId(entityTypeId: number, categoryId: number): string {
  if (entityTypeId === 1) return 'STATUS';
  if (entityTypeId === 2) return categoryId === 0 ? 'DEAL_STAGE' : `DEAL_STAGE_${categoryId}`;
  return `DYNAMIC_${entityTypeId}_STAGE_${categoryId}`;
}

export const STATUSES: StatusRow[] = buildStatuses();

const byEntity = new Map<string, StatusRow[]>();
for (const s of STATUSES) {
  const list = byEntity.get(s.ENTITY_ID) ?? [];
  list.push(s);
  byEntity.set(s.ENTITY_ID, list);
}

export function statusesOf(entityId: string): StatusRow[] {
  return byEntity.get(entityId) ?? [];
}

/** Stages of a funnel, in SORT order. */
export function stagesOf(entityTypeId: number, categoryId: number): StatusRow[] {
  return statusesOf(stageEntityId(entityTypeId, categoryId));
}

/** Finds a stage anywhere among the type's funnels. */
export function findStage(entityTypeId: number, stageId: string): StatusRow | undefined {
  for (const c of categoriesOf(entityTypeId)) {
    const s = stagesOf(entityTypeId, c.id).find((r) => r.STATUS_ID === stageId);
    if (s) return s;
  }
  if (entityTypeId === 1) return statusesOf('STATUS').find((r) => r.STATUS_ID === stageId);
  return undefined;
}

/** P/S/F as on items (§7.9: `stageSemanticId`); apology is a failure. */
export function semanticLetter(s: StatusRow | undefined): 'P' | 'S' | 'F' | null {
  if (!s) return null;
  return s.semantics === 'success' ? 'S' : s.semantics === 'process' ? 'P' : 'F';
}

export function categoriesOf(entityTypeId: number): Category[] {
  return CATEGORIES.filter((c) => c.entityTypeId === entityTypeId);
}

export function defaultCategory(entityTypeId: number): Category | undefined {
  return CATEGORIES.find((c) => c.entityTypeId === entityTypeId && c.isDefault);
}

export function spaType(entityTypeId: number): SpaType | undefined {
  return SPA_TYPES.find((t) => t.entityTypeId === entityTypeId);
}

/** crm.status.entity.types (§7.9). */
export function dictionaries(): Dictionary[] {
  const out: Dictionary[] = [
    { ID: 'STATUS', NAME: 'Lead statuses', ENTITY_TYPE_ID: 1 },
    { ID: 'SOURCE', NAME: 'Sources' },
    { ID: 'CONTACT_TYPE', NAME: 'Contact type' },
    { ID: 'COMPANY_TYPE', NAME: 'Company type' },
    { ID: 'INDUSTRY', NAME: 'Industry' },
    { ID: 'DEAL_TYPE', NAME: 'Deal type' },
    { ID: 'HONORIFIC', NAME: 'Salutations' },
  ];
  for (const c of CATEGORIES) {
    if (c.entityTypeId === 2) {
      out.push({
        ID: stageEntityId(2, c.id),
        NAME: c.id === 0 ? 'Deal stages' : `Deal stages (${c.name})`,
        PREFIX: c.id === 0 ? '' : `C${c.id}`,
        ENTITY_TYPE_ID: 2,
        CATEGORY_ID: c.id,
      });
      continue;
    }
    const t = spaType(c.entityTypeId);
    if (t?.flags.isStagesEnabled) {
      out.push({
        ID: stageEntityId(c.entityTypeId, c.id),
        NAME: `${t.title} stages (${c.name})`,
        PREFIX: `DT${c.entityTypeId}_${c.id}`,
        ENTITY_TYPE_ID: c.entityTypeId,
        CATEGORY_ID: c.id,
      });
    }
  }
  return out;
}
