// New cards that fit the demo portal's onboarding type (128): a title, funnel 7 and one of its
// stages, a contact, an employee and three custom fields (list, boolean, string). Used by the
// bulk tests and by B7.
import { DEMO } from '@bitrix24-graphql/demo-portal';

const UF = DEMO.uf.onboarding;

export function demoCards(n: number, tag: string) {
  return Array.from({ length: n }, (_, i) => ({
    title: `${tag} ${i}`,
    categoryId: 7,
    stageId: DEMO.stages.onboardingMain[i % 3],
    contactIds: [1 + (i % 5)],
    assignedById: 1 + (i % 3),
    fields: { [UF.priority.camel]: 'High', [UF.vip.camel]: i % 2 === 0, [UF.referenceCode.camel]: `REF-${tag}-${i}` },
  }));
}
