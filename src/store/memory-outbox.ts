// The webhook outbox in this process's memory: the contract's behaviour (due order, leases, lapsed leases taken
// again) for the contract suite and for anyone wiring the outbox dispatcher without Redis.
import { randomUUID } from 'node:crypto';
import type { LeasedItem, OutboxItem, WebhookOutbox } from './types.js';

export function createMemoryOutbox(): WebhookOutbox {
  const items = new Map<string, { item: OutboxItem; dueAt: number; lease?: string }>();
  const held = (leased: LeasedItem) => {
    const entry = items.get(leased.item.id);
    return entry && entry.lease === leased.lease ? entry : undefined;
  };
  return {
    async add(item, dueAt) {
      items.set(item.id, { item: structuredClone(item), dueAt });
    },
    async claim(now, leaseMs, limit) {
      const due = [...items.values()].filter((entry) => entry.dueAt <= now).sort((x, y) => x.dueAt - y.dueAt).slice(0, limit);
      return due.map((entry) => {
        entry.lease = randomUUID();
        entry.dueAt = now + leaseMs;
        return { item: structuredClone(entry.item), lease: entry.lease };
      });
    },
    async retry(leased, dueAt) {
      const entry = held(leased);
      if (!entry) return;
      items.set(leased.item.id, { item: structuredClone(leased.item), dueAt });
    },
    async finish(leased) {
      if (held(leased)) items.delete(leased.item.id);
    },
  };
}
