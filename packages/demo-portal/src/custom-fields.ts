// Custom fields (user fields, b_user_field) of every documented type on every CRM entity of the
// demo portal, and the rules for building one: the settings each type gets by default
// (userfieldconfig-add.md, "Parameter settings"), enumeration items, and what crm.*.userfield.add
// and userfieldconfig.add create at run time. Labels are in English, Portuguese and Russian, as on
// a portal used by several teams; some entities have two fields with the same label.
//
// The fields the portal started with (schemas.ts: CPF, Segment, Priority, …) keep their ids;
// the ones here take the next ids (131…) and enumeration item ids from 401.
import { f, type EnumItem, type FieldDef, type UfDef } from './fields.js';

/** The field types a portal creates (crm.userfield.types, without the iblock/crm_status links). */
export const USER_TYPES = [
  'string',
  'integer',
  'double',
  'boolean',
  'date',
  'datetime',
  'money',
  'url',
  'address',
  'enumeration',
  'file',
  'employee',
  'crm',
] as const;
export type UserTypeId = (typeof USER_TYPES)[number];

/** How demo values of a field are drawn (seed-uf.ts). */
export interface SeedHint {
  /** Share of records with a value (default 0.7). */
  fill?: number;
  /** Strings to draw from (string/url fields). */
  sample?: readonly string[];
  /** Integer range (integer fields). */
  range?: readonly [number, number];
}

export interface UfSpec extends SeedHint {
  name: string;
  type: UserTypeId;
  label: string;
  multiple?: boolean;
  mandatory?: boolean;
  /** Enumeration items (values, in order). */
  items?: readonly string[];
  /** `crm` fields: the types bound (settings keys: CONTACT, COMPANY, DEAL, LEAD, DYNAMIC_<e>). */
  binds?: readonly string[];
}

/** Settings a new field of the type gets when none are given (the portal's defaults). */
export function defaultSettings(type: string, label: string): Record<string, unknown> {
  switch (type) {
    case 'string':
      return { SIZE: 20, ROWS: 1, REGEXP: '', MIN_LENGTH: 0, MAX_LENGTH: 0, DEFAULT_VALUE: '' };
    case 'integer':
      return { SIZE: 20, MIN_VALUE: 0, MAX_VALUE: 0, DEFAULT_VALUE: null };
    case 'double':
      return { PRECISION: 2, SIZE: 20, MIN_VALUE: 0, MAX_VALUE: 0, DEFAULT_VALUE: null };
    case 'boolean':
      return { DEFAULT_VALUE: 0, DISPLAY: 'CHECKBOX', LABEL: ['', ''], LABEL_CHECKBOX: label };
    case 'date':
      return { DEFAULT_VALUE: { TYPE: 'NONE', VALUE: '' } };
    case 'datetime':
      return { DEFAULT_VALUE: { TYPE: 'NONE', VALUE: '' }, USE_SECOND: 'Y', USE_TIMEZONE: 'N' };
    case 'money':
      return { DEFAULT_VALUE: '' };
    case 'url':
      return { POPUP: 'Y', SIZE: 20, MIN_LENGTH: 0, MAX_LENGTH: 0, DEFAULT_VALUE: '', ROWS: 1 };
    case 'address':
      return { SHOW_MAP: 'Y' };
    case 'enumeration':
      return { DISPLAY: 'LIST', LIST_HEIGHT: 1, CAPTION_NO_VALUE: '', SHOW_NO_VALUE: 'Y' };
    case 'file':
      return {
        SIZE: 20,
        LIST_WIDTH: 0,
        LIST_HEIGHT: 0,
        MAX_SHOW_SIZE: 0,
        MAX_ALLOWED_SIZE: 0,
        EXTENSIONS: [],
        TARGET_BLANK: 'Y',
      };
    case 'crm':
      // crm-contact-userfield-add.md: "If none of the following options are passed, linking to
      // leads (LEAD = Y) will be enabled by default."
      return { LEAD: 'Y' };
    default:
      return {};
  }
}

/** A custom field descriptor (crm.item name assigned later by nameUfs). */
export function ufDef(
  upper: string,
  type: string,
  uf: UfDef,
  opts: { multiple?: boolean; mandatory?: boolean } = {},
): FieldDef {
  if (opts.mandatory) uf.mandatory = true;
  return f(upper, '', type, uf.label, {
    uf,
    ...(opts.multiple ? { multiple: true } : {}),
    ...(opts.mandatory ? { required: true } : {}),
  });
}

export function items(firstId: number, values: readonly string[], defaults: readonly boolean[] = []): EnumItem[] {
  return values.map((v, i) => ({
    ID: String(firstId + i),
    VALUE: v,
    SORT: (i + 1) * 10,
    DEF: defaults[i] ? 'Y' : 'N',
    XML_ID: `ITEM_${firstId + i}`,
  }));
}

// ---- the demo fields ---------------------------------------------------------------------------

const NICKNAMES = ['Aninha', 'Bruninho', 'Cacá', 'Dudu', 'Gabi', 'Juju', 'Lulu', 'Nando', 'Rafa', 'Tati', 'Vivi'];
const CONTACT_NOTES = [
  'Aguardando retorno',
  'Cliente desde 2019',
  'Não ligar antes das 10h',
  'Prefere WhatsApp',
  'Ждёт звонка',
];
const TAGS = ['lead-quente', 'evento-2024', 'newsletter', 'parceiro', 'b2b', 'vip'];
const LEGAL = [
  'Comércio e Serviços Ltda',
  'Indústria e Comércio S.A.',
  'Tecnologia Ltda',
  'ООО «Северный ветер»',
  'АО «Техносервис»',
  'Holdings Inc',
];
const COMMENTS_RU = [
  'Позвонить после праздников',
  'Нужен счёт на предоплату',
  'Ключевой клиент',
  'Проверить реквизиты',
];
const COMMENTS_RU2 = ['Документы отправлены', 'Ждём подписи', 'Скидка согласована', 'Повторный контакт в мае'];
const ORDER_NUMBERS = Array.from({ length: 40 }, (_, i) => `PED-${String(2400 + i * 7).padStart(5, '0')}`);
const DEAL_STATUS_NOTES = ['Awaiting PO', 'Legal review', 'Budget approved', 'Waiting for customer', 'Kick-off booked'];
const CAMPAIGNS = ['black-friday-2024', 'webinar-crm', 'google-ads-q3', 'feira-sp-2024', 'indicação'];
const TICKET_NOTES = [
  'Cliente informou novo e-mail',
  'Reaberto pelo cliente',
  'Aguardando fornecedor',
  'Resolvido por telefone',
];
const TICKET_NOTES2 = ['Ver chamado anterior', 'Prioridade combinada com o gestor', 'SLA estendido', 'Sem observações'];
const CONTRACT_NUMBERS = Array.from({ length: 40 }, (_, i) => `Д-2024/${String(101 + i * 3).padStart(4, '0')}`);
const CONTRACT_NOTES = ['Пролонгация на год', 'Оригинал в бухгалтерии', 'Согласовать с юристом', 'Без замечаний'];
const SERIALS = Array.from({ length: 40 }, (_, i) => `SN-${(0x1a2b3c + i * 7919).toString(16).toUpperCase()}`);

/** New fields per entity type (the UF entity id is derived from the schema). */
export const DEMO_UF_SPECS: Record<number, UfSpec[]> = {
  3: [
    { name: 'UF_CRM_1724412001', type: 'string', label: 'Apelido', sample: NICKNAMES },
    { name: 'UF_CRM_AGE', type: 'integer', label: 'Idade', range: [18, 80] },
    { name: 'UF_CRM_1724412002', type: 'double', label: 'Desconto (%)' },
    { name: 'UF_CRM_VIP', type: 'boolean', label: 'Cliente VIP', fill: 0.8 },
    { name: 'UF_CRM_1724412003', type: 'date', label: 'Data de início' },
    { name: 'UF_CRM_LAST_VISIT', type: 'datetime', label: 'Последний визит' },
    { name: 'UF_CRM_1724412004', type: 'money', label: 'Orçamento' },
    { name: 'UF_CRM_LINKEDIN', type: 'url', label: 'LinkedIn profile', fill: 0.5 },
    { name: 'UF_CRM_1724412005', type: 'enumeration', label: 'Status', items: ['Ativo', 'Inativo', 'Em negociação'] },
    {
      name: 'UF_CRM_1724412006',
      type: 'enumeration',
      label: 'Interesses',
      multiple: true,
      items: ['Software', 'Hardware', 'Consultoria', 'Treinamento', 'Suporte'],
    },
    { name: 'UF_CRM_ACCOUNT_MANAGER', type: 'employee', label: 'Account manager' },
    { name: 'UF_CRM_REFERRED_BY', type: 'crm', label: 'Indicado por', binds: ['CONTACT'], fill: 0.4 },
    {
      name: 'UF_CRM_1724412007',
      type: 'crm',
      label: 'Связанные объекты',
      multiple: true,
      binds: ['CONTACT', 'COMPANY', 'DEAL', 'DYNAMIC_128'],
    },
    { name: 'UF_CRM_1724412008', type: 'file', label: 'Documento (RG)', fill: 0.4 },
    { name: 'UF_CRM_1724412009', type: 'address', label: 'Endereço de entrega' },
    { name: 'UF_CRM_1724412010', type: 'string', label: 'Status', sample: CONTACT_NOTES, fill: 0.5 },
    { name: 'UF_CRM_TAGS', type: 'string', label: 'Tags', multiple: true, sample: TAGS },
  ],
  4: [
    { name: 'UF_CRM_1724500001', type: 'string', label: 'Razão social', sample: LEGAL, fill: 0.9 },
    { name: 'UF_CRM_EMPLOYEES', type: 'integer', label: 'Число сотрудников', range: [3, 5000] },
    { name: 'UF_CRM_1724500002', type: 'double', label: 'Rating' },
    { name: 'UF_CRM_PARTNER', type: 'boolean', label: 'Parceiro', fill: 0.8 },
    { name: 'UF_CRM_FOUNDED', type: 'date', label: 'Дата основания' },
    { name: 'UF_CRM_1724500003', type: 'datetime', label: 'Last audit' },
    { name: 'UF_CRM_CREDIT_LIMIT', type: 'money', label: 'Limite de crédito' },
    { name: 'UF_CRM_1724500004', type: 'url', label: 'Портал клиента' },
    { name: 'UF_CRM_1724500005', type: 'enumeration', label: 'Priority', items: ['Low', 'Medium', 'High'] },
    {
      name: 'UF_CRM_1724500006',
      type: 'enumeration',
      label: 'Регионы',
      multiple: true,
      items: ['Москва', 'Санкт-Петербург', 'Сибирь', 'Урал', 'Юг'],
    },
    { name: 'UF_CRM_1724500007', type: 'employee', label: 'Gerente de conta' },
    { name: 'UF_CRM_HOLDING', type: 'crm', label: 'Holding', binds: ['COMPANY'], fill: 0.4 },
    { name: 'UF_CRM_1724500008', type: 'crm', label: 'Contatos-chave', multiple: true, binds: ['CONTACT', 'COMPANY'] },
    { name: 'UF_CRM_1724500009', type: 'file', label: 'Contratos assinados', multiple: true, fill: 0.5 },
    { name: 'UF_CRM_1724500010', type: 'address', label: 'Юридический адрес' },
    { name: 'UF_CRM_1724500011', type: 'string', label: 'Комментарий', sample: COMMENTS_RU, fill: 0.5 },
    { name: 'UF_CRM_1724500012', type: 'string', label: 'Комментарий', sample: COMMENTS_RU2, fill: 0.5 },
  ],
  2: [
    { name: 'UF_CRM_1724600001', type: 'string', label: 'Número do pedido', sample: ORDER_NUMBERS },
    { name: 'UF_CRM_LICENSES', type: 'integer', label: 'Количество лицензий', range: [1, 250] },
    { name: 'UF_CRM_1724600002', type: 'double', label: 'Discount' },
    { name: 'UF_CRM_URGENT', type: 'boolean', label: 'Urgente', fill: 0.8 },
    { name: 'UF_CRM_CONTRACT_DATE', type: 'date', label: 'Дата договора' },
    { name: 'UF_CRM_1724600003', type: 'datetime', label: 'Delivery slot' },
    { name: 'UF_CRM_1724600004', type: 'money', label: 'Orçamento' },
    { name: 'UF_CRM_PROPOSAL', type: 'url', label: 'Proposal link' },
    { name: 'UF_CRM_1724600005', type: 'enumeration', label: 'Status', items: ['On track', 'At risk', 'Blocked'] },
    {
      name: 'UF_CRM_1724600006',
      type: 'enumeration',
      label: 'Produtos de interesse',
      multiple: true,
      items: ['CRM', 'ERP', 'BI', 'E-commerce'],
    },
    { name: 'UF_CRM_TECH_LEAD', type: 'employee', label: 'Technical lead' },
    { name: 'UF_CRM_DECISION_MAKER', type: 'crm', label: 'Decisor', binds: ['CONTACT'] },
    {
      name: 'UF_CRM_1724600007',
      type: 'crm',
      label: 'Related',
      multiple: true,
      binds: ['LEAD', 'CONTACT', 'COMPANY', 'DYNAMIC_128'],
    },
    { name: 'UF_CRM_1724600008', type: 'file', label: 'Proposta (PDF)', fill: 0.5 },
    { name: 'UF_CRM_1724600009', type: 'address', label: 'Адрес доставки' },
    { name: 'UF_CRM_1724600010', type: 'string', label: 'Status', sample: DEAL_STATUS_NOTES, fill: 0.6 },
    { name: 'UF_CRM_MILESTONES', type: 'date', label: 'Marcos', multiple: true },
  ],
  1: [
    { name: 'UF_CRM_CAMPAIGN', type: 'string', label: 'Campanha', sample: CAMPAIGNS },
    { name: 'UF_CRM_SCORE', type: 'integer', label: 'Score', range: [0, 100] },
    { name: 'UF_CRM_1724700001', type: 'double', label: 'Valor estimado' },
    { name: 'UF_CRM_LGPD', type: 'boolean', label: 'Consentimento LGPD', fill: 0.8 },
    { name: 'UF_CRM_1724700002', type: 'date', label: 'Дата первого контакта' },
    { name: 'UF_CRM_CALLBACK_AT', type: 'datetime', label: 'Callback at' },
    { name: 'UF_CRM_1724700003', type: 'money', label: 'Бюджет' },
    { name: 'UF_CRM_LANDING', type: 'url', label: 'Landing page' },
    { name: 'UF_CRM_1724700004', type: 'enumeration', label: 'Qualificação', items: ['Frio', 'Morno', 'Quente'] },
    {
      name: 'UF_CRM_1724700005',
      type: 'enumeration',
      label: 'Canais preferidos',
      multiple: true,
      items: ['Telefone', 'E-mail', 'WhatsApp', 'Telegram'],
    },
    { name: 'UF_CRM_SDR', type: 'employee', label: 'SDR' },
    { name: 'UF_CRM_EXISTING_COMPANY', type: 'crm', label: 'Empresa existente', binds: ['COMPANY'], fill: 0.4 },
    { name: 'UF_CRM_1724700006', type: 'crm', label: 'Связи', multiple: true, binds: ['CONTACT', 'COMPANY', 'DEAL'] },
    { name: 'UF_CRM_1724700007', type: 'file', label: 'Anexo', fill: 0.3 },
    { name: 'UF_CRM_1724700008', type: 'address', label: 'Endereço' },
    { name: 'UF_CRM_1724700009', type: 'string', label: 'Комментарий', sample: COMMENTS_RU, fill: 0.5 },
    { name: 'UF_CRM_1724700010', type: 'string', label: 'Комментарий', sample: COMMENTS_RU2, fill: 0.5 },
  ],
  128: [
    { name: 'UF_CRM_1_HOURS', type: 'integer', label: 'Horas estimadas', range: [4, 400] },
    { name: 'UF_CRM_1_1721900000001', type: 'double', label: 'Progresso (%)' },
    { name: 'UF_CRM_1_KICKOFF', type: 'datetime', label: 'Kick-off' },
    { name: 'UF_CRM_1_REPO', type: 'url', label: 'Repositório' },
    {
      name: 'UF_CRM_1_1721900000002',
      type: 'enumeration',
      label: 'Модули',
      multiple: true,
      items: ['CRM', 'Задачи', 'Диск', 'Телефония'],
    },
    { name: 'UF_CRM_1_END_CLIENT', type: 'crm', label: 'Cliente final', binds: ['COMPANY'] },
    {
      name: 'UF_CRM_1_1721900000003',
      type: 'crm',
      label: 'Relacionados',
      multiple: true,
      binds: ['CONTACT', 'DEAL', 'DYNAMIC_130'],
    },
    { name: 'UF_CRM_1_ATTACHMENTS', type: 'file', label: 'Anexos', multiple: true, fill: 0.5 },
    { name: 'UF_CRM_1_SITE', type: 'address', label: 'Local de implantação' },
    { name: 'UF_CRM_1_1721900000004', type: 'string', label: 'Priority', sample: ['P1', 'P2', 'P3'], fill: 0.5 },
    { name: 'UF_CRM_1_MILESTONES', type: 'date', label: 'Marcos', multiple: true },
    { name: 'UF_CRM_1_TAGS', type: 'string', label: 'Tags', multiple: true, sample: TAGS },
  ],
  130: [
    { name: 'UF_CRM_2_RESPONSE_MIN', type: 'integer', label: 'Tempo de resposta (min)', range: [1, 600] },
    { name: 'UF_CRM_2_CSAT', type: 'double', label: 'CSAT' },
    { name: 'UF_CRM_2_ESCALATED', type: 'boolean', label: 'Escalado', fill: 0.8 },
    { name: 'UF_CRM_2_DUE', type: 'date', label: 'Prazo' },
    { name: 'UF_CRM_2_FIRST_REPLY', type: 'datetime', label: 'Первый ответ' },
    { name: 'UF_CRM_2_COST', type: 'money', label: 'Custo' },
    { name: 'UF_CRM_2_LINK', type: 'url', label: 'Link do chamado' },
    {
      name: 'UF_CRM_2_1722000000002',
      type: 'enumeration',
      label: 'Severidade',
      items: ['Baixa', 'Média', 'Alta', 'Crítica'],
    },
    {
      name: 'UF_CRM_2_1722000000003',
      type: 'enumeration',
      label: 'Produtos afetados',
      multiple: true,
      items: ['App', 'Portal', 'API', 'Faturamento'],
    },
    { name: 'UF_CRM_2_AGENT', type: 'employee', label: 'Agente' },
    { name: 'UF_CRM_2_REQUESTER', type: 'crm', label: 'Solicitante', binds: ['CONTACT'] },
    { name: 'UF_CRM_2_1722000000004', type: 'crm', label: 'Envolvidos', multiple: true, binds: ['CONTACT', 'COMPANY'] },
    { name: 'UF_CRM_2_SCREENSHOT', type: 'file', label: 'Captura de tela', fill: 0.4 },
    { name: 'UF_CRM_2_ADDRESS', type: 'address', label: 'Endereço do atendimento' },
    { name: 'UF_CRM_2_NOTES', type: 'string', label: 'Observações', sample: TICKET_NOTES, fill: 0.5 },
    { name: 'UF_CRM_2_1722000000005', type: 'string', label: 'Observações', sample: TICKET_NOTES2, fill: 0.5 },
  ],
  1032: [
    { name: 'UF_CRM_3_SERIAL', type: 'string', label: 'Serial number', sample: SERIALS, fill: 0.9 },
    { name: 'UF_CRM_3_PURCHASED', type: 'date', label: 'Data de compra' },
    { name: 'UF_CRM_3_VALUE', type: 'money', label: 'Valor' },
    { name: 'UF_CRM_3_CUSTODIAN', type: 'employee', label: 'Responsável pelo ativo' },
  ],
  1034: [
    { name: 'UF_CRM_4_NUMBER', type: 'string', label: 'Номер договора', sample: CONTRACT_NUMBERS, fill: 0.95 },
    { name: 'UF_CRM_4_SIGNED_ON', type: 'date', label: 'Дата договора' },
    { name: 'UF_CRM_4_AMOUNT', type: 'money', label: 'Сумма договора' },
    {
      name: 'UF_CRM_4_KIND',
      type: 'enumeration',
      label: 'Тип договора',
      items: ['Поставка', 'Услуги', 'Аренда', 'Лицензия'],
    },
    { name: 'UF_CRM_4_LAWYER', type: 'employee', label: 'Юрист' },
    { name: 'UF_CRM_4_COUNTERPARTY', type: 'crm', label: 'Контрагент', binds: ['COMPANY'] },
    { name: 'UF_CRM_4_SIGNED', type: 'boolean', label: 'Подписан', fill: 0.9 },
    { name: 'UF_CRM_4_SCAN', type: 'file', label: 'Скан договора', fill: 0.5 },
    { name: 'UF_CRM_4_COMMENT', type: 'string', label: 'Комментарий', sample: CONTRACT_NOTES, fill: 0.4 },
  ],
};

/** Entity types in the order their field ids are assigned (stable: ids never move). */
const ORDER = [3, 4, 2, 1, 128, 130, 1032, 1034];
export const FIRST_DEMO_UF_ID = 131;
export const FIRST_DEMO_ENUM_ID = 401;

export interface DemoUfs {
  byEntity: Map<number, FieldDef[]>;
  /** The last ids used: runtime fields and items continue from here. */
  lastFieldId: number;
  lastEnumId: number;
}

/** Builds fresh descriptors of the demo fields (one set per portal: naming mutates them). */
export function demoUfs(ufEntityId: (entityTypeId: number) => string): DemoUfs {
  let fieldId = FIRST_DEMO_UF_ID - 1;
  let enumId = FIRST_DEMO_ENUM_ID - 1;
  const byEntity = new Map<number, FieldDef[]>();
  for (const e of ORDER) {
    const entityId = ufEntityId(e);
    const defs = DEMO_UF_SPECS[e].map((spec, i) => {
      const settings = defaultSettings(spec.type, spec.label);
      if (spec.type === 'crm') {
        delete settings.LEAD;
        for (const k of spec.binds ?? []) settings[k] = 'Y';
      }
      const uf: UfDef = { id: ++fieldId, entityId, label: spec.label, sort: 1000 + i * 100, settings };
      if (spec.items) {
        uf.items = items(enumId + 1, spec.items);
        enumId += spec.items.length;
      }
      return ufDef(spec.name, spec.type, uf, spec);
    });
    byEntity.set(e, defs);
  }
  return { byEntity, lastFieldId: fieldId, lastEnumId: enumId };
}
