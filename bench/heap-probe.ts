// Preload for the soak's gateway process (bench/soak.ts): `node --expose-gc --import tsx
// --import ./bench/heap-probe.ts src/main.ts`, spawned with an IPC channel. The product code is
// untouched; this module only answers the soak's `{ type: 'heap', id }` messages with the JS heap
// after a forced full collection. Without an IPC channel (or without --expose-gc) it does nothing.
export interface HeapProbeRequest {
  type: 'heap';
  id: number;
}

export interface HeapProbeReply {
  type: 'heap';
  id: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  rss: number;
  gcMs: number;
}

const gc = (globalThis as { gc?: () => void }).gc;
if (process.send && process.channel && gc) {
  process.on('message', (message: HeapProbeRequest) => {
    if (message?.type !== 'heap') return;
    const t0 = performance.now();
    // Twice: the first full collection runs finalizers and clears weak references whose targets
    // the second one can then free.
    gc();
    gc();
    const gcMs = performance.now() - t0;
    const m = process.memoryUsage();
    const reply: HeapProbeReply = {
      type: 'heap',
      id: message.id,
      heapUsed: m.heapUsed,
      heapTotal: m.heapTotal,
      external: m.external,
      arrayBuffers: m.arrayBuffers,
      rss: m.rss,
      gcMs,
    };
    // If the soak has gone away the channel is closed; the probe must never break the gateway.
    if (process.connected) process.send!(reply, undefined, undefined, () => {});
  });
  // The 'message' listener would keep the event loop alive through the channel: unref it, so the
  // gateway exits (or not) exactly as it would without the probe.
  process.channel.unref();
}
