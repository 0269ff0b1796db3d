// Portal metadata: smart-process types, funnels (categories), stages and the other crm.status
// dictionaries. Each portal holds its own Catalog (crm.type.add adds a type with its default
// funnel and stages at run time); the seeded part is the same for every portal.

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

export const ALL_OFF = Object.fromEntries(SPA_FLAGS.map((k) => [k, false])) as Record<SpaFlag, boolean>;
const on = (...keys: SpaFlag[]) => ({ ...ALL_OFF, ...Object.fromEntries(keys.map((k) => [k, true])) });

const T0 = Date.parse('2024-01-10T09:00:00Z');

/** The smart processes every demo portal starts with. */
const SEEDED_TYPES: SpaType[] = [
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
  {
    // A smart process of a Russian-speaking team: title, funnel and stages in Russian.
    id: 4,
    entityTypeId: 1034,
    title: 'Договоры',
    code: 'contracts',
    flags: on('isStagesEnabled', 'isClientEnabled', 'isBeginCloseDatesEnabled', 'isSetOpenPermissions'),
    createdTime: T0 + 3 * 86_400_000,
    updatedTime: T0 + 3 * 86_400_000,
  },
];

const SEEDED_CATEGORIES: Category[] = [
  { id: 0, entityTypeId: 2, name: 'General', sort: 100, isDefault: true },
  { id: 1, entityTypeId: 2, name: 'Partners', sort: 200, isDefault: false },
  { id: 7, entityTypeId: 128, name: 'Main', sort: 100, isDefault: true },
  { id: 8, entityTypeId: 128, name: 'Enterprise', sort: 200, isDefault: false },
  { id: 9, entityTypeId: 130, name: 'General', sort: 100, isDefault: true },
  { id: 10, entityTypeId: 1032, name: 'General', sort: 100, isDefault: true },
  { id: 11, entityTypeId: 1034, name: 'Основная', sort: 100, isDefault: true },
];

type StageSpec = [code: string, name: string, semantics: Semantics, color: string];

/** The stages a new smart-process funnel gets. */
const SPA_DEFAULT_STAGES: StageSpec[] = [
  ['NEW', 'Start', 'process', '#22B9FF'],
  ['PREPARATION', 'Preparation', 'process', '#88B9FF'],
  ['CLIENT', 'Approval', 'process', '#FFCC00'],
  ['SUCCESS', 'Success', 'success', '#7BD500'],
  ['FAIL', 'Failure', 'failure', '#FF5752'],
];

/** Funnels whose stages differ from the defaults. */
const CUSTOM_STAGES: Record<number, StageSpec[]> = {
  // A custom in-progress stage (UC_ codes are what the portal generates for user stages).
  7: [...SPA_DEFAULT_STAGES.slice(0, 3), ['UC_REVIEW', 'Review', 'process', '#FF8800'], ...SPA_DEFAULT_STAGES.slice(3)],
  // Stages renamed by the team that uses them.
  11: [
    ['NEW', 'Черновик', 'process', '#22B9FF'],
    ['PREPARATION', 'Согласование', 'process', '#88B9FF'],
    ['CLIENT', 'На подписи', 'process', '#FFCC00'],
    ['SUCCESS', 'Подписан', 'success', '#7BD500'],
    ['FAIL', 'Отклонён', 'failure', '#FF5752'],
  ],
};

function dict(entity: string, rows: [string, string][]): [string, StageSpec[]] {
  return [entity, rows.map(([c, n]) => [c, n, 'process', ''] as StageSpec)];
}

/** Appends crm.status rows; ids are sequential so they are stable for a given build. */
function pushRows(
  out: StatusRow[],
  entity: string,
  category: number | null,
  specs: StageSpec[],
  prefix: string,
  extra: boolean,
  isStage: boolean,
): void {
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
}

/** Builds every seeded crm.status row. */
function buildStatuses(types: SpaType[], categories: Category[]): StatusRow[] {
  const out: StatusRow[] = [];
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
  for (const [entity, specs] of dicts) pushRows(out, entity, null, specs, '', false, false);
  pushRows(
    out,
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
  pushRows(
    out,
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
  pushRows(
    out,
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
  for (const c of categories) {
    const t = types.find((x) => x.entityTypeId === c.entityTypeId);
    if (!t?.flags.isStagesEnabled) continue;
    pushStages(out, c);
  }
  return out;
}

function pushStages(out: StatusRow[], c: Category): void {
  const specs = CUSTOM_STAGES[c.id] ?? SPA_DEFAULT_STAGES;
  pushRows(out, stageEntityId(c.entityTypeId, c.id), c.id, specs, `DT${c.entityTypeId}_${c.id}:`, false, true);
}

/** Dictionary id holding the stages of a funnel (§7.9). */
export function stageEntityId(entityTypeId: number, categoryId: number): string {
  if (entityTypeId === 1) return 'STATUS';
  if (entityTypeId === 2) return categoryId === 0 ? 'DEAL_STAGE' : `DEAL_STAGE_${categoryId}`;
  return `DYNAMIC_${entityTypeId}_STAGE_${categoryId}`;
}

/** P/S/F as on items (§7.9: `stageSemanticId`); apology is a failure. */
export function semanticLetter(s: StatusRow | undefined): 'P' | 'S' | 'F' | null {
  if (!s) return null;
  return s.semantics === 'success' ? 'S' : s.semantics === 'process' ? 'P' : 'F';
}

/** What crm.type.add takes (already validated). */
export interface NewType {
  title: string;
  entityTypeId: number;
  code: string;
  flags: Record<SpaFlag, boolean>;
  createdTime: number;
}

/** One portal's types, funnels and dictionaries. */
export class Catalog {
  readonly types: SpaType[] = SEEDED_TYPES.map((t) => ({ ...t, flags: { ...t.flags } }));
  readonly categories: Category[] = SEEDED_CATEGORIES.map((c) => ({ ...c }));
  readonly statuses: StatusRow[] = buildStatuses(this.types, this.categories);
  private readonly byEntity = new Map<string, StatusRow[]>();

  constructor() {
    for (const s of this.statuses) this.index(s);
  }

  private index(s: StatusRow): void {
    const list = this.byEntity.get(s.ENTITY_ID) ?? [];
    list.push(s);
    this.byEntity.set(s.ENTITY_ID, list);
  }

  statusesOf(entityId: string): StatusRow[] {
    return this.byEntity.get(entityId) ?? [];
  }

  /** Stages of a funnel, in SORT order. */
  stagesOf(entityTypeId: number, categoryId: number): StatusRow[] {
    return this.statusesOf(stageEntityId(entityTypeId, categoryId));
  }

  /** Finds a stage anywhere among the type's funnels. */
  findStage(entityTypeId: number, stageId: string): StatusRow | undefined {
    for (const c of this.categoriesOf(entityTypeId)) {
      const s = this.stagesOf(entityTypeId, c.id).find((r) => r.STATUS_ID === stageId);
      if (s) return s;
    }
    if (entityTypeId === 1) return this.statusesOf('STATUS').find((r) => r.STATUS_ID === stageId);
    return undefined;
  }

  categoriesOf(entityTypeId: number): Category[] {
    return this.categories.filter((c) => c.entityTypeId === entityTypeId);
  }

  defaultCategory(entityTypeId: number): Category | undefined {
    return this.categories.find((c) => c.entityTypeId === entityTypeId && c.isDefault);
  }

  spaType(entityTypeId: number): SpaType | undefined {
    return this.types.find((t) => t.entityTypeId === entityTypeId);
  }

  /** The entityTypeId crm.type.add gives when none is asked for: after the highest of the range
   * of new types ("an even integer that is greater than or equal to 1030", crm-type-add.md). */
  nextEntityTypeId(): number {
    const used = this.types.map((t) => t.entityTypeId).filter((e) => e >= 1030);
    return used.length ? Math.max(...used) + 2 : 1030;
  }

  /** crm.type.add: the type, its default funnel and that funnel's default stages (a new smart
   * process always has one funnel and its stages; the flags only show or hide them). */
  addType(spec: NewType): SpaType {
    const t: SpaType = {
      id: Math.max(0, ...this.types.map((x) => x.id)) + 1,
      entityTypeId: spec.entityTypeId,
      title: spec.title,
      code: spec.code,
      flags: spec.flags,
      createdTime: spec.createdTime,
      updatedTime: spec.createdTime,
    };
    this.types.push(t);
    const c: Category = {
      id: Math.max(0, ...this.categories.map((x) => x.id)) + 1,
      entityTypeId: t.entityTypeId,
      name: 'General',
      sort: 100,
      isDefault: true,
    };
    this.categories.push(c);
    const from = this.statuses.length;
    pushStages(this.statuses, c);
    for (const s of this.statuses.slice(from)) this.index(s);
    return t;
  }

  /** crm.status.entity.types (§7.9). */
  dictionaries(): Dictionary[] {
    const out: Dictionary[] = [
      { ID: 'STATUS', NAME: 'Lead statuses', ENTITY_TYPE_ID: 1 },
      { ID: 'SOURCE', NAME: 'Sources' },
      { ID: 'CONTACT_TYPE', NAME: 'Contact type' },
      { ID: 'COMPANY_TYPE', NAME: 'Company type' },
      { ID: 'INDUSTRY', NAME: 'Industry' },
      { ID: 'DEAL_TYPE', NAME: 'Deal type' },
      { ID: 'HONORIFIC', NAME: 'Salutations' },
    ];
    for (const c of this.categories) {
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
      const t = this.spaType(c.entityTypeId);
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
}
