// The data side over the wire: the real front (startPortal) with JSON, form and batch callers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortal, type EmulatorPortal } from '../src/portal.js';
import { DEMO } from '../src/state.js';

let portal: EmulatorPortal;
beforeAll(async () => {
  portal = await startPortal({ size: 'small' });
});
afterAll(async () => {
  await portal.close();
});

async function post(method: string, body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(portal.webhookUrl + method, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

describe('data methods over HTTP', () => {
  it('crm.contact.get and the "Not found" envelope', async () => {
    const ok = await post('crm.contact.get', { id: 3 });
    expect(ok.status).toBe(200);
    expect(ok.json.result.ID).toBe('3');
    expect(ok.json.time).toBeDefined();
    const missing = await post('crm.contact.get', { id: 999999 });
    expect(missing.status).toBe(400);
    expect(missing.json).toEqual({ error: '', error_description: 'Not found' });
  });

  it('crm.item.list: paging envelope (total/next top-level) and start=-1', async () => {
    const p = await post('crm.item.list', { entityTypeId: DEMO.spa.onboarding, select: ['id'] });
    expect(p.json.result.items).toHaveLength(50);
    expect([p.json.total, p.json.next]).toEqual([160, 50]);
    const fast = await post('crm.item.list', {
      entityTypeId: 128,
      select: ['id'],
      filter: { '>id': 150 },
      order: { id: 'ASC' },
      start: -1,
    });
    expect(fast.json.total).toBe(0);
    expect(fast.json).not.toHaveProperty('next');
    expect(fast.json.result.items.map((i: { id: number }) => i.id)).toEqual([
      151, 152, 153, 154, 155, 156, 157, 158, 159, 160,
    ]);
  });

  it('form-encoded strings reach the handlers (filter prefixes, select[])', async () => {
    const body = new URLSearchParams();
    body.append('filter[>ID]', '117');
    body.append('select[]', 'ID');
    body.append('select[]', 'NAME');
    const res = await fetch(`${portal.webhookUrl}crm.contact.list`, { method: 'POST', body });
    const json = await res.json();
    expect(json.result.map((r: { ID: string }) => r.ID)).toEqual(['118', '119', '120']);
    expect(json.total).toBe(3);
  });

  it('a batch chains keyset pages with $result[…][items][49][id]; empty results serialise as []', async () => {
    const res = await post('batch', {
      halt: 0,
      cmd: {
        p0: 'crm.item.list?entityTypeId=128&order[id]=ASC&filter[>id]=0&select[]=id&start=-1',
        p1: 'crm.item.list?entityTypeId=128&order[id]=ASC&filter[>id]=$result[p0][items][49][id]&select[]=id&start=-1',
        none: 'crm.duplicate.findbycomm?type=PHONE&values[]=000',
        del: `crm.item.delete?entityTypeId=130&id=1`,
      },
    });
    const r = res.json.result;
    expect(r.result.p1.items[0].id).toBe(51);
    expect(r.result.none).toEqual([]);
    expect(r.result.del).toEqual([]);
  });

  it('crm.item.add with an invalid enumeration value → 400 CRM_FIELD_ERROR_VALUE_NOT_VALID', async () => {
    const res = await post('crm.item.add', {
      entityTypeId: 128,
      fields: { title: 'x', [DEMO.uf.onboarding.priority.camel]: 1 },
    });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      error: 'CRM_FIELD_ERROR_VALUE_NOT_VALID',
      error_description: 'Invalid value for field "Priority"',
    });
  });

  it('crm.deal.add / update / delete over the wire: JSON and batch (form-style) callers, the documented envelopes', async () => {
    const added = await post('crm.deal.add', {
      FIELDS: { TITLE: 'Wire deal', CATEGORY_ID: 1, OPPORTUNITY: 10 },
      PARAMS: { REGISTER_SONET_EVENT: 'N' },
    });
    expect(added.status).toBe(200);
    const id = added.json.result;
    expect(typeof id).toBe('number');
    const batch = await post('batch', {
      halt: 0,
      cmd: {
        up: `crm.deal.update?id=${id}&fields[STAGE_ID]=C1:WON&params[REGISTER_SONET_EVENT]=N`,
        get: `crm.deal.get?id=${id}`,
        del: `crm.deal.delete?id=${id}`,
        again: `crm.deal.delete?id=${id}`,
      },
    });
    const r = batch.json.result;
    expect(r.result.up).toBe(true);
    expect(r.result.get).toMatchObject({ TITLE: 'Wire deal', STAGE_ID: 'C1:WON', OPPORTUNITY: '10.00' });
    expect(r.result.del).toBe(true);
    expect(r.result_error.again).toEqual({ error: '', error_description: 'Not found' });
    const bad = await post('crm.deal.add', { fields: { TITLE: 'x' }, params: 'N' });
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({ error: '', error_description: "Parameter 'params' must be array" });
  });
});
