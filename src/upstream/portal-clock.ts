// The portal's clock, as its envelopes tell it (`time.finish`, `time.date_finish`; bitrix24-api.md
// §2.2): its UTC offset, and how far it runs from ours. The change feed reads "what changed up to
// a second that is over" by the portal's clock, never by ours.

/** The fields of an envelope's `time` the clock reads. */
export interface EnvelopeTime {
  finish?: number;
  date_finish?: string;
}

const OFFSET = /([+-]\d{2}):?(\d{2})$/;

export class PortalClock {
  /** The portal's UTC offset, `+03:00`; `+00:00` until an envelope told it. */
  offset = '+00:00';
  /** Portal time minus ours, in ms (0 until an envelope told it). */
  skewMs = 0;
  known = false;

  observe(time: EnvelopeTime | undefined, receivedAt = Date.now()): void {
    if (!time) return;
    if (typeof time.finish === 'number' && Number.isFinite(time.finish)) {
      this.skewMs = Math.round(time.finish * 1000 - receivedAt);
      this.known = true;
    }
    const match = typeof time.date_finish === 'string' ? OFFSET.exec(time.date_finish) : null;
    if (match) this.offset = `${match[1]}:${match[2]}`;
  }

  /** Now by the portal's clock, epoch ms. */
  now(): number {
    return Date.now() + this.skewMs;
  }

  /** An instant as the portal writes it: whole seconds in its own offset (`2026-11-30T16:02:05+03:00`). */
  format(epochMs: number): string {
    const sign = this.offset.startsWith('-') ? -1 : 1;
    const [hours, minutes] = this.offset.slice(1).split(':').map(Number);
    const shifted = new Date(Math.floor(epochMs / 1000) * 1000 + sign * (hours * 60 + minutes) * 60_000);
    return `${shifted.toISOString().slice(0, 19)}${this.offset}`;
  }
}
