import { describe, expect, it } from 'vitest';
import { en } from '../i18n/en';
import { format } from '../i18n/index.svelte';
import { type Entry, type Finding, GENESIS, eventHash, fromHex, hex, link, sha256, verifyChain } from './chainCheck';

const uuid = (text: string) => fromHex(text.replace(/-/g, ''))!;
const utf8 = new TextEncoder();
const investigation = uuid('9f8e7d6c-5b4a-4398-8776-655443322110');

/** A chain of `count` events of one investigation, linked as the log links them. */
async function chainOf(count: number): Promise<Entry[]> {
  const entries: Entry[] = [];
  let previous = GENESIS;
  for (let position = 1; position <= count; position++) {
    const state = utf8.encode(`{"n":${position}}`);
    const entry: Entry = {
      position,
      originatorId: uuid(`0b7e2f1a-3c4d-4e5f-8a9b-0c1d2e3f4a${String(position).padStart(2, '0')}`),
      originatorVersion: 1,
      investigationId: investigation,
      recordedAt: 1_714_721_400_000_000n + BigInt(position),
      topic: 'domain.task:Task.Created',
      stateSha256: await sha256(state),
      eventHash: new Uint8Array(),
      link: new Uint8Array(),
      state,
    };
    entry.eventHash = await eventHash(entry);
    entry.link = await link(previous, entry.eventHash);
    previous = entry.link;
    entries.push(entry);
  }
  return entries;
}

const said = (findings: Finding[]) => findings.map((f) => `${f.kind} ${f.position}: ${format(en[f.words.key], f.words.params)}`);

describe('the chain’s byte layout', () => {
  it('hashes an event exactly as jitspace/ledger/chain.py does', async () => {
    // the values chain.py gives for the same event (position 7, recorded 2024-05-03T07:30:00.123456Z)
    const state = utf8.encode('{"name":"café"}');
    const stateSha256 = await sha256(state);
    expect(hex(stateSha256)).toBe('645fa443126a8954fc6d871912b8fc67bc2ee8feae417efe55546251962ca74d');
    const entry: Entry = {
      position: 7,
      originatorId: uuid('0b7e2f1a-3c4d-4e5f-8a9b-0c1d2e3f4a5b'),
      originatorVersion: 3,
      investigationId: investigation,
      recordedAt: 1_714_721_400_123_456n,
      topic: 'domain.task:Task.Created',
      stateSha256,
      eventHash: new Uint8Array(),
      link: new Uint8Array(),
      state,
    };
    const digest = await eventHash(entry);
    expect(hex(digest)).toBe('7d5919969a676e8b49eade168cdf5690ac037717020039ccb8da8eec48c4b96c');
    expect(hex(await link(GENESIS, digest))).toBe('72feed2e4626aecb9010fa380ec198e6791df47687f02a42bfa69c7f5d17f395');
  });
});

describe('checking a chain', () => {
  it('finds nothing wrong in an intact chain, up to its signed head', async () => {
    const entries = await chainOf(4);
    expect(await verifyChain(entries, [{ position: 4, headHash: entries[3]!.link }])).toEqual([]);
  });

  it('names the event whose content was altered', async () => {
    const entries = await chainOf(4);
    entries[2]!.state = utf8.encode('{"n":9}');
    expect(said(await verifyChain(entries))).toEqual([
      'altered 3: the event at position 3 does not match the hash recorded for it',
    ]);
  });

  it('still checks a withheld event through its state hash', async () => {
    const entries = await chainOf(3);
    entries[1]!.state = null;
    expect(await verifyChain(entries)).toEqual([]);
  });

  it('says where an event was recorded when it was moved', async () => {
    const entries = await chainOf(4);
    const [second, third] = [entries[1]!, entries[2]!];
    entries[1] = { ...third, position: 2 };
    entries[2] = { ...second, position: 3 };
    expect(said(await verifyChain(entries))).toEqual([
      'reordered 2: the event at position 2 was recorded at position 3',
      'reordered 3: the event at position 3 was recorded at position 2',
    ]);
  });

  it('names the gap where events were removed', async () => {
    const entries = await chainOf(4);
    entries.splice(1, 1);
    expect(said(await verifyChain(entries))).toEqual([
      'missing 3: events are missing between position 1 and 3: the chain does not link them',
    ]);
  });

  it('names an event that was slipped in', async () => {
    const entries = await chainOf(3);
    const stranger = { ...(await chainOf(1))[0]!, position: 2, link: new Uint8Array(32) };
    stranger.eventHash = await eventHash(stranger);
    entries.splice(1, 0, stranger);
    entries[2] = { ...entries[2]!, position: 3 };
    entries[3] = { ...entries[3]!, position: 4 };
    const findings = said(await verifyChain(entries));
    expect(findings).toContain('inserted 2: the event at position 2 is not part of the chain: the next event links past it');
  });

  it('says when the events end before a signed checkpoint, or differ from it', async () => {
    const entries = await chainOf(3);
    expect(said(await verifyChain(entries, [{ position: 5, headHash: entries[2]!.link }]))).toEqual([
      'truncated 5: the events end at position 3, but a signed checkpoint covers the history up to position 5',
    ]);
    expect(said(await verifyChain(entries, [{ position: 3, headHash: new Uint8Array(32) }]))).toEqual([
      'checkpoint 3: the history up to position 3 differs from the one a checkpoint signed',
    ]);
  });
});
