import { describe, expect, it } from 'vitest';
import { EventIdLog } from '../../src/core/webhook-dedupe.js';

describe('EventIdLog', () => {
  it('tells new, seen (reported, not yet acknowledged) and acked ids apart', () => {
    const log = new EventIdLog();
    expect(log.state('evt_1')).toBe('new');
    log.markSeen('evt_1');
    expect(log.state('evt_1')).toBe('seen');
    log.markAcked('evt_1');
    expect(log.state('evt_1')).toBe('acked');
    log.markSeen('evt_1');
    expect(log.state('evt_1')).toBe('acked');
  });

  it('forgets the oldest ids past its bound', () => {
    const log = new EventIdLog(3);
    for (const id of ['a', 'b', 'c', 'd']) log.markAcked(id);
    expect(log.size).toBe(3);
    expect(log.state('a')).toBe('new');
    expect(log.state('d')).toBe('acked');
  });

  it('keeps memory bounded for hostile, very long ids', () => {
    const log = new EventIdLog(100);
    const long = 'x'.repeat(500_000);
    for (let i = 0; i < 1_000; i++) log.markAcked(`${i}${long}`);
    expect(log.size).toBe(100);
    expect(log.state(`999${long}`)).toBe('acked');
    expect(log.state(`0${long}`)).toBe('new');
  });
});
