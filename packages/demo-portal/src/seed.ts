// Deterministic demo data: the same seed and sizes always give the same portal. Each section
// draws from its own PRNG stream. The facts tests rely on are exported as DEMO / demoFacts().
import type { DemoSizes } from './types.js';
import { DEMO_UF_SPECS } from './custom-fields.js';
import { seedCustomValues } from './seed-uf.js';
import type { Multi, Rec } from './schemas.js';
import type { AddressRec, Db, DeptRec, UserRec } from './store.js';
import { pick, stream } from './util.js';

export const DEMO = {
  /** entityTypeId of each smart process and its crm.type id. */
  spa: { onboarding: 128, support: 130, assets: 1032, contracts: 1034 },
  typeIds: { 128: 1, 130: 2, 1032: 3, 1034: 4 } as Record<number, number>,
  categories: {
    onboardingMain: 7,
    onboardingEnterprise: 8,
    support: 9,
    assets: 10,
    contracts: 11,
    dealGeneral: 0,
    dealPartners: 1,
  },
  stages: {
    onboardingMain: [
      'DT128_7:NEW',
      'DT128_7:PREPARATION',
      'DT128_7:CLIENT',
      'DT128_7:UC_REVIEW',
      'DT128_7:SUCCESS',
      'DT128_7:FAIL',
    ],
    onboardingEnterprise: ['DT128_8:NEW', 'DT128_8:PREPARATION', 'DT128_8:CLIENT', 'DT128_8:SUCCESS', 'DT128_8:FAIL'],
    support: ['DT130_9:NEW', 'DT130_9:PREPARATION', 'DT130_9:CLIENT', 'DT130_9:SUCCESS', 'DT130_9:FAIL'],
    contracts: ['DT1034_11:NEW', 'DT1034_11:PREPARATION', 'DT1034_11:CLIENT', 'DT1034_11:SUCCESS', 'DT1034_11:FAIL'],
    dealGeneral: ['NEW', 'PREPARATION', 'PREPAYMENT_INVOICE', 'EXECUTING', 'FINAL_INVOICE', 'WON', 'LOSE', 'APOLOGY'],
    dealPartners: ['C1:NEW', 'C1:PREPARATION', 'C1:EXECUTING', 'C1:WON', 'C1:LOSE'],
    lead: ['NEW', 'IN_PROCESS', 'PROCESSED', 'CONVERTED', 'JUNK'],
  },
  /** UF names: upper (DB / old-style / useOriginalUfNames=Y) and camel (crm.item). */
  uf: {
    onboarding: {
      referenceCode: { upper: 'UF_CRM_1_1721812760630', camel: 'ufCrm1_1721812760630', type: 'string' },
      priority: { upper: 'UF_CRM_1_1721812814433', camel: 'ufCrm1_1721812814433', type: 'enumeration' },
      dueDate: { upper: 'UF_CRM_1_DUE_DATE', camel: 'ufCrm1DueDate', type: 'date' },
      budget: { upper: 'UF_CRM_1_BUDGET2025', camel: 'ufCrm_1_BUDGET2025', type: 'money' },
      vip: { upper: 'UF_CRM_1_IS_VIP', camel: 'ufCrm1IsVip', type: 'boolean' },
      mentor: { upper: 'UF_CRM_1_MENTOR', camel: 'ufCrm1Mentor', type: 'employee' },
    },
    support: { channel: { upper: 'UF_CRM_2_1722000000001', camel: 'ufCrm2_1722000000001', type: 'string' } },
    contact: {
      cpf: { upper: 'UF_CRM_CPF', camel: 'ufCrmCpf', type: 'string' },
      segment: { upper: 'UF_CRM_1720697698689', camel: 'ufCrm_1720697698689', type: 'enumeration' },
      newsletter: { upper: 'UF_CRM_NEWSLETTER', camel: 'ufCrmNewsletter', type: 'boolean' },
    },
    company: { cnpj: { upper: 'UF_CRM_CNPJ', camel: 'ufCrmCnpj', type: 'string' } },
    deal: { margin: { upper: 'UF_CRM_1721244707107', camel: 'ufCrm_1721244707107', type: 'double' } },
  },
  /** The custom fields of every type added on top of those above, per entityTypeId
   * (custom-fields.ts): name, type, label, multiple, enumeration values, bound types. */
  customFields: DEMO_UF_SPECS,
  /** Enumeration item ids (strings in descriptors). */
  priorityItems: { '301': 'Low', '302': 'Normal', '303': 'High', '304': 'Urgent' } as Record<string, string>,
  segmentItems: { '201': 'Retail', '202': 'Wholesale', '203': 'Government' } as Record<string, string>,
  cpfField: 'UF_CRM_CPF',
  contactTypes: ['CLIENT', 'SUPPLIER', 'PARTNER', 'OTHER'],
  departments: [
    { id: 1, name: 'Acme Corp', parent: null },
    { id: 2, name: 'Sales', parent: 1 },
    { id: 3, name: 'Support', parent: 1 },
    { id: 4, name: 'R&D', parent: 1 },
    { id: 5, name: 'Inside Sales', parent: 2 },
  ],
} as const;

/** User i is an extranet user when i % 8 == 0, fired (inactive) when i % 8 == 7. */
export function userKind(i: number): 'employee' | 'inactive' | 'extranet' {
  if (i % 8 === 0) return 'extranet';
  if (i % 8 === 7) return 'inactive';
  return 'employee';
}

export function demoFacts(sizes: DemoSizes) {
  const ids = Array.from({ length: sizes.users }, (_, k) => k + 1);
  return {
    users: sizes.users,
    activeEmployees: ids.filter((i) => userKind(i) === 'employee'),
    inactive: ids.filter((i) => userKind(i) === 'inactive'),
    extranet: ids.filter((i) => userKind(i) === 'extranet'),
    cards: {
      128: sizes.cardsPerType,
      130: Math.floor(sizes.cardsPerType / 4),
      1032: Math.floor(sizes.cardsPerType / 4),
      1034: Math.floor(sizes.cardsPerType / 4),
    } as Record<number, number>,
    contacts: sizes.contacts,
    companies: sizes.companies,
    deals: sizes.deals,
    leads: sizes.leads,
  };
}

const FIRST = [
  'Ana',
  'Bruno',
  'Carla',
  'Diego',
  'Elena',
  'Felipe',
  'Gabriela',
  'Hugo',
  'Isabel',
  'João',
  'Karen',
  'Lucas',
  'Marina',
  'Nicolas',
  'Olivia',
  'Pedro',
  'Queila',
  'Rafael',
  'Sofia',
  'Tiago',
  'Úrsula',
  'Vitor',
  'Wanda',
  'Yara',
];
const LAST = [
  'Silva',
  'Santos',
  'Oliveira',
  'Souza',
  'Lima',
  'Pereira',
  'Costa',
  'Rodrigues',
  'Almeida',
  'Nascimento',
  'Carvalho',
  'Ribeiro',
  'Martins',
  'Rocha',
  'Barbosa',
  'Gomes',
  'Mendes',
  'Freitas',
];
const POSITIONS = [
  'Account manager',
  'Sales representative',
  'Support engineer',
  'Developer',
  'Team lead',
  'Analyst',
  'Office manager',
];
const POSTS = ['CEO', 'CFO', 'Buyer', 'Engineer', 'Purchasing manager', 'Owner', 'Consultant', ''];
const WORDS = [
  'Atlas',
  'Boreal',
  'Cobalt',
  'Delta',
  'Everest',
  'Fjord',
  'Granite',
  'Horizon',
  'Iris',
  'Jade',
  'Kestrel',
  'Lumen',
  'Meridian',
  'Nimbus',
  'Orion',
  'Pioneer',
];
const NOUNS = ['Logistics', 'Foods', 'Systems', 'Textiles', 'Energy', 'Health', 'Motors', 'Labs', 'Retail', 'Finance'];
const SUFFIX = ['Ltda', 'S.A.', 'Inc', 'GmbH', 'LLC'];
const CITIES = ['São Paulo', 'Rio de Janeiro', 'Curitiba', 'Porto Alegre', 'Recife', 'Belo Horizonte'];

const BASE = Date.parse('2024-02-01T09:00:00Z');
const DAY = 86_400_000;
const ymd = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const pad = (n: number, w: number) => String(n).padStart(w, '0');

/** A valid 11-digit CPF (two check digits), unique per index. */
export function cpfFor(i: number, seed: number): string {
  const base = pad(100_000_000 + ((((i + (seed % 1000) * 1000) % 899_999_999) * 7919) % 899_999_999), 9);
  const d = base.split('').map(Number);
  const check = (digits: number[]) => {
    const s = digits.reduce((acc, x, k) => acc + x * (digits.length + 1 - k), 0);
    const r = (s * 10) % 11;
    return r === 10 ? 0 : r;
  };
  d.push(check(d));
  d.push(check(d));
  return d.join('');
}

function phone(i: number, salt: number, seed: number): string {
  const n = pad(((i * 7919 + salt * 104_729 + seed * 31) % 89_999_999) + 10_000_000, 8);
  return `+55 (11) 9${n.slice(0, 4)}-${n.slice(4)}`;
}

export function seedPortal(db: Db, sizes: DemoSizes): void {
  const seed = db.seed;
  const fm = (typeId: Multi['typeId'], valueType: string, value: string): Multi => ({
    id: ++db.fmSeq.value,
    typeId,
    valueType,
    value,
  });

  // Departments: a small tree.
  const heads: Record<number, number> = { 1: 1, 2: 2, 3: 3, 4: 4, 5: 6 };
  for (const d of DEMO.departments) {
    const rec: DeptRec = {
      ID: d.id,
      NAME: d.name,
      SORT: 500,
      PARENT: d.parent,
      UF_HEAD: heads[d.id] <= sizes.users ? heads[d.id] : null,
    };
    db.departments.insert(rec);
  }

  // Users.
  let r = stream(seed, 'users');
  for (let i = 1; i <= sizes.users; i++) {
    const kind = userKind(i);
    const name = i === 1 ? 'Admin' : pick(r, FIRST);
    const last = i === 1 ? 'Acme' : pick(r, LAST);
    const dept = kind === 'extranet' ? [] : i === 1 ? [1] : [[2, 3, 4, 5][(i - 2) % 4]];
    const u: UserRec = {
      ID: i,
      ACTIVE: kind !== 'inactive',
      NAME: name,
      LAST_NAME: last,
      SECOND_NAME: '',
      EMAIL: `${name}.${last}${i}@acme.test`
        .toLowerCase()
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, ''),
      LAST_LOGIN: kind === 'inactive' ? null : BASE + Math.floor(r() * 300) * DAY,
      DATE_REGISTER: BASE - (400 - i) * DAY,
      IS_ONLINE: r() < 0.3,
      PERSONAL_GENDER: r() < 0.5 ? 'M' : 'F',
      PERSONAL_BIRTHDAY: r() < 0.7 ? ymd(Date.parse('1970-01-01') + Math.floor(r() * 12000) * DAY) : null,
      PERSONAL_MOBILE: kind === 'extranet' ? '' : phone(i, 9, seed),
      WORK_PHONE: '',
      WORK_POSITION: kind === 'extranet' ? 'External partner' : pick(r, POSITIONS),
      UF_DEPARTMENT: dept,
      UF_PHONE_INNER: kind === 'extranet' ? '' : String(100 + i),
      UF_EMPLOYMENT_DATE: kind === 'extranet' ? null : ymd(BASE - (400 - i) * DAY),
      USER_TYPE: kind === 'extranet' ? 'extranet' : 'employee',
      TIME_ZONE: '',
    };
    db.users.insert(u);
  }
  const active = demoFacts(sizes).activeEmployees;
  const assignee = (rr: () => number) => pick(rr, active);

  // Companies.
  r = stream(seed, 'companies');
  for (let i = 1; i <= sizes.companies; i++) {
    const title = `${pick(r, WORDS)} ${pick(r, NOUNS)} ${pick(r, SUFFIX)}`;
    const slug = title.toLowerCase().replace(/[^a-z]+/g, '');
    const t = BASE + i * 3 * 3_600_000;
    db.entities.get(4)!.table.insert({
      ID: i,
      TITLE: title,
      COMPANY_TYPE: pick(r, ['CUSTOMER', 'CUSTOMER', 'SUPPLIER', 'PARTNER', 'COMPETITOR', 'OTHER']),
      INDUSTRY: pick(r, ['IT', 'MANUFACTURING', 'BANKING', 'CONSULTING', 'OTHER']),
      REVENUE: Math.round(r() * 5_000_000),
      CURRENCY_ID: r() < 0.7 ? 'BRL' : 'USD',
      COMMENTS: '',
      OPENED: true,
      IS_MY_COMPANY: false,
      ASSIGNED_BY_ID: assignee(r),
      CREATED_BY_ID: 1,
      MODIFY_BY_ID: 1,
      DATE_CREATE: t,
      DATE_MODIFY: t + DAY,
      ORIGINATOR_ID: null,
      ORIGIN_ID: null,
      UF_CRM_CNPJ: `${pad((i * 104_729 + seed) % 99_999_999, 8)}0001${pad(i % 100, 2)}`,
      FM: [
        fm('PHONE', 'WORK', phone(i, 5, seed)),
        fm('EMAIL', 'WORK', `info${i}@${slug}.test`),
        fm('WEB', 'WORK', `https://${slug}.test`),
      ],
    });
  }

  // Contacts.
  r = stream(seed, 'contacts');
  for (let i = 1; i <= sizes.contacts; i++) {
    const name = pick(r, FIRST);
    const last = pick(r, LAST);
    const list: Multi[] = [];
    if (i % 10 !== 0) list.push(fm('PHONE', 'MOBILE', phone(i, 1, seed)));
    if (i % 4 === 1) list.push(fm('PHONE', 'WORK', phone(i, 2, seed)));
    if (i % 7 !== 0)
      list.push(
        fm(
          'EMAIL',
          r() < 0.8 ? 'WORK' : 'HOME',
          `${name}.${last}.${i}@example.test`
            .toLowerCase()
            .normalize('NFD')
            .replace(/[\u0300-\u036f]/g, ''),
        ),
      );
    const companies = sizes.companies && i % 3 === 0 ? [1 + Math.floor(r() * sizes.companies)] : [];
    if (companies.length && i % 9 === 0) companies.push(1 + ((companies[0] + 1) % sizes.companies));
    const t = BASE + i * 2 * 3_600_000;
    db.entities.get(3)!.table.insert({
      ID: i,
      HONORIFIC: null,
      NAME: name,
      SECOND_NAME: '',
      LAST_NAME: last,
      PHOTO: null,
      BIRTHDATE: r() < 0.6 ? ymd(Date.parse('1965-01-01') + Math.floor(r() * 14000) * DAY) : null,
      TYPE_ID: DEMO.contactTypes[i % 4],
      SOURCE_ID: pick(r, ['CALL', 'EMAIL', 'WEB', 'RECOMMENDATION']),
      SOURCE_DESCRIPTION: null,
      POST: pick(r, POSTS),
      COMMENTS: '',
      OPENED: true,
      EXPORT: true,
      COMPANY_ID: companies[0] ?? null,
      COMPANY_IDS: [...new Set(companies)],
      LEAD_ID: null,
      ORIGINATOR_ID: i % 10 === 0 ? 'legacy-crm' : null,
      ORIGIN_ID: i % 10 === 0 ? `L-${i}` : null,
      ORIGIN_VERSION: null,
      FACE_ID: null,
      ASSIGNED_BY_ID: assignee(r),
      CREATED_BY_ID: 1,
      MODIFY_BY_ID: 1,
      DATE_CREATE: t,
      DATE_MODIFY: t + Math.floor(r() * 30) * DAY,
      LAST_ACTIVITY_TIME: t,
      LAST_ACTIVITY_BY: 1,
      UF_CRM_CPF: cpfFor(i, seed),
      UF_CRM_1720697698689: r() < 0.75 ? 201 + Math.floor(r() * 3) : null,
      FM: list,
      // Yes on ids ≡ 0 (mod 3), no on ≡ 1, never set on ≡ 2 (no PRNG draw: other data stays put).
      UF_CRM_NEWSLETTER: i % 3 === 0 ? true : i % 3 === 1 ? false : null,
    });
    if (i % 5 === 0) {
      // A contact's address hangs on a requisite of the contact (crm-address-add.md: "Addresses can
      // only be linked to Requisites … or Leads"); an address-only one, as the portal's form makes.
      const requisite = db.requisites.nextIdPeek();
      db.requisites.insert({
        ID: requisite,
        ENTITY_TYPE_ID: 3,
        ENTITY_ID: i,
        PRESET_ID: 3,
        NAME: 'Address',
        ACTIVE: true,
        ADDRESS_ONLY: true,
        SORT: 500,
      });
      const a: AddressRec = {
        ID: db.addresses.nextIdPeek(),
        TYPE_ID: 1,
        ENTITY_TYPE_ID: 8,
        ENTITY_ID: requisite,
        ADDRESS_1: `Rua ${pick(r, LAST)}, ${10 + i}`,
        ADDRESS_2: null,
        CITY: pick(r, CITIES),
        POSTAL_CODE: `${pad(10_000 + i, 5)}-000`,
        REGION: null,
        PROVINCE: 'SP',
        COUNTRY: 'Brasil',
        COUNTRY_CODE: null,
        LOC_ADDR_ID: 0,
        ANCHOR_TYPE_ID: 3,
        ANCHOR_ID: i,
      };
      db.addresses.insert(a);
    }
  }

  seedLeadsAndDeals(db, sizes, fm, assignee);
  for (const e of [128, 130, 1032, 1034]) seedCards(db, sizes, e, assignee);
  // The custom fields of every type (custom-fields.ts) get their values from streams of their
  // own, after everything else: the values drawn above stay what they were.
  seedCustomValues(db, active);
}

type Fm = (typeId: Multi['typeId'], valueType: string, value: string) => Multi;

function seedLeadsAndDeals(db: Db, sizes: DemoSizes, fm: Fm, assignee: (r: () => number) => number): void {
  let r = stream(db.seed, 'leads');
  for (let i = 1; i <= sizes.leads; i++) {
    const name = pick(r, FIRST);
    const last = pick(r, LAST);
    const t = BASE + i * 5 * 3_600_000;
    db.entities.get(1)!.table.insert({
      ID: i,
      TITLE: `${pick(r, NOUNS)} inquiry from ${name} ${last}`,
      HONORIFIC: null,
      NAME: name,
      SECOND_NAME: '',
      LAST_NAME: last,
      BIRTHDATE: null,
      COMPANY_TITLE: `${pick(r, WORDS)} ${pick(r, NOUNS)}`,
      SOURCE_ID: pick(r, ['CALL', 'EMAIL', 'WEB', 'ADVERTISING']),
      SOURCE_DESCRIPTION: null,
      STATUS_ID: pick(r, DEMO.stages.lead),
      STATUS_DESCRIPTION: null,
      POST: pick(r, POSTS),
      CURRENCY_ID: 'USD',
      OPPORTUNITY: Math.round(r() * 20_000),
      IS_MANUAL_OPPORTUNITY: false,
      COMMENTS: '',
      OPENED: true,
      COMPANY_ID: null,
      CONTACT_ID: null,
      CONTACT_IDS: [],
      IS_RETURN_CUSTOMER: false,
      ORIGINATOR_ID: null,
      ORIGIN_ID: null,
      ASSIGNED_BY_ID: assignee(r),
      CREATED_BY_ID: 1,
      MODIFY_BY_ID: 1,
      MOVED_BY_ID: 1,
      DATE_CREATE: t,
      DATE_MODIFY: t + DAY,
      MOVED_TIME: t,
      LAST_ACTIVITY_TIME: t,
      LAST_ACTIVITY_BY: 1,
      FM: [fm('PHONE', 'WORK', phone(i, 3, db.seed)), fm('EMAIL', 'WORK', `lead${i}@example.test`)],
    });
  }
  r = stream(db.seed, 'deals');
  for (let i = 1; i <= sizes.deals; i++) {
    const cat = i % 3 === 0 ? 1 : 0;
    const stages = db.catalog.stagesOf(2, cat).map((s) => s.STATUS_ID);
    const stage = pick(r, stages);
    const contacts = sizes.contacts ? [1 + Math.floor(r() * sizes.contacts)] : [];
    if (contacts.length && r() < 0.3) contacts.push(1 + ((contacts[0] + 7) % sizes.contacts));
    const t = BASE + i * 4 * 3_600_000;
    const b = t + Math.floor(r() * 10) * DAY;
    db.entities.get(2)!.table.insert({
      ID: i,
      TITLE: `Deal #${i}: ${pick(r, NOUNS)}`,
      TYPE_ID: pick(r, ['SALE', 'COMPLEX', 'SERVICES', 'GOODS']),
      CATEGORY_ID: cat,
      STAGE_ID: stage,
      IS_NEW: stage === stages[0],
      PROBABILITY: Math.floor(r() * 10) * 10,
      CURRENCY_ID: 'USD',
      OPPORTUNITY: Math.round(r() * 50_000 * 100) / 100,
      IS_MANUAL_OPPORTUNITY: true,
      TAX_VALUE: 0,
      COMPANY_ID: sizes.companies && r() < 0.6 ? 1 + Math.floor(r() * sizes.companies) : null,
      CONTACT_ID: contacts[0] ?? null,
      CONTACT_IDS: [...new Set(contacts)],
      BEGINDATE: ymd(b),
      CLOSEDATE: ymd(b + 30 * DAY),
      CLOSED: !/NEW|PREPARATION|INVOICE|EXECUTING/.test(stage),
      COMMENTS: '',
      SOURCE_ID: 'CALL',
      SOURCE_DESCRIPTION: null,
      LEAD_ID: null,
      OPENED: true,
      ORIGINATOR_ID: null,
      ORIGIN_ID: null,
      ASSIGNED_BY_ID: assignee(r),
      CREATED_BY_ID: 1,
      MODIFY_BY_ID: 1,
      MOVED_BY_ID: 1,
      DATE_CREATE: t,
      DATE_MODIFY: t + DAY,
      MOVED_TIME: t,
      LAST_ACTIVITY_TIME: t,
      LAST_ACTIVITY_BY: 1,
      UF_CRM_1721244707107: Math.round(r() * 4000) / 100,
    });
  }
}

function seedCards(db: Db, sizes: DemoSizes, e: number, assignee: (r: () => number) => number): void {
  const r = stream(db.seed, `cards-${e}`);
  const es = db.entities.get(e)!;
  const flags = es.schema.spa!.flags;
  const n = e === 128 ? sizes.cardsPerType : Math.floor(sizes.cardsPerType / 4);
  const prefix = { 128: 'ONB', 130: 'SUP', 1032: 'AST', 1034: 'CTR' }[e] ?? 'SPA';
  const cats = { 128: [7, 7, 7, 8], 130: [9], 1032: [10], 1034: [11] }[e] ?? [];
  for (let i = 1; i <= n; i++) {
    const cat = pick(r, cats);
    const stages = flags.isStagesEnabled ? db.catalog.stagesOf(e, cat).map((s) => s.STATUS_ID) : [];
    const k = r();
    const count = k < 0.1 ? 0 : k < 0.7 ? 1 : k < 0.95 ? 2 : 3;
    // Contacts drawn from a window so neighbours share contacts (several cards per contact).
    const contacts: number[] = [];
    for (let c = 0; c < count && sizes.contacts; c++)
      contacts.push(1 + ((i * 3 + Math.floor(r() * 40)) % sizes.contacts));
    const uniq = [...new Set(contacts)];
    const t = BASE + i * 1_800_000 + Math.floor(r() * 1_000_000);
    const rec: Rec = {
      ID: i,
      XML_ID: `${prefix}-${pad(i, 5)}`,
      TITLE: e === 1034 ? `Договор № ${i}` : `${es.schema.title} ${i}`,
      CREATED_BY: 1,
      UPDATED_BY: 1,
      MOVED_BY: 1,
      CREATED_TIME: t,
      UPDATED_TIME: t + Math.floor(r() * 20) * DAY,
      MOVED_TIME: t,
      CATEGORY_ID: cat,
      OPENED: true,
      ASSIGNED_BY_ID: assignee(r),
      LAST_ACTIVITY_BY: 1,
      LAST_ACTIVITY_TIME: t,
    };
    if (flags.isStagesEnabled) Object.assign(rec, { STAGE_ID: pick(r, stages), PREVIOUS_STAGE_ID: null });
    if (flags.isClientEnabled) {
      Object.assign(rec, {
        CONTACT_IDS: uniq,
        CONTACT_ID: uniq[0] ?? null,
        COMPANY_ID: sizes.companies && r() < 0.3 ? 1 + Math.floor(r() * sizes.companies) : null,
      });
    }
    if (flags.isLinkWithProductsEnabled) {
      Object.assign(rec, {
        OPPORTUNITY: Math.round(r() * 10_000),
        CURRENCY_ID: r() < 0.5 ? 'EUR' : 'USD',
        IS_MANUAL_OPPORTUNITY: true,
        TAX_VALUE: 0,
      });
    }
    if (flags.isBeginCloseDatesEnabled) Object.assign(rec, { BEGINDATE: ymd(t), CLOSEDATE: ymd(t + 45 * DAY) });
    if (flags.isSourceEnabled)
      Object.assign(rec, { SOURCE_ID: pick(r, ['CALL', 'EMAIL', 'WEB', 'PARTNER']), SOURCE_DESCRIPTION: null });
    if (flags.isObserversEnabled) rec.OBSERVERS = r() < 0.3 ? [assignee(r)] : [];
    if (e === 128) {
      Object.assign(rec, {
        UF_CRM_1_1721812760630: `REF-${pad(i, 5)}`,
        UF_CRM_1_1721812814433: r() < 0.9 ? 301 + Math.floor(r() * 4) : null,
        UF_CRM_1_DUE_DATE: r() < 0.8 ? ymd(t + Math.floor(r() * 60) * DAY) : null,
        UF_CRM_1_BUDGET2025: r() < 0.7 ? `${Math.round(r() * 900) * 10}|EUR` : null,
        UF_CRM_1_IS_VIP: r() < 0.15,
        UF_CRM_1_MENTOR: r() < 0.5 ? assignee(r) : null,
      });
    }
    if (e === 130) rec.UF_CRM_2_1722000000001 = pick(r, ['email', 'phone', 'chat']);
    es.table.insert(rec);
  }
}
