import { strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { en } from '../i18n/en';
import { format } from '../i18n/index.svelte';
import { type BundleReport, checkBundle, microseconds, pinKey, producer } from './bundleCheck';
import { type Entry, GENESIS, eventHash, fromHex, hex, link, sha256 } from './chainCheck';

const INVESTIGATION = '9f8e7d6c-5b4a-4398-8776-655443322110';
const uuid = (text: string) => fromHex(text.replace(/-/g, ''))!;

function base64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

async function keyPair(): Promise<{ sign: (data: Uint8Array) => Promise<Uint8Array>; pem: string }> {
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', pair.publicKey));
  return {
    sign: async (data) => new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, pair.privateKey, data as Uint8Array<ArrayBuffer>)),
    pem: `-----BEGIN PUBLIC KEY-----\n${base64(spki)}\n-----END PUBLIC KEY-----\n`,
  };
}

type Members = Record<string, Uint8Array>;

/** A bundle as building.py writes it: three events, a signed checkpoint and manifest. */
async function bundleOf(
  key: Awaited<ReturnType<typeof keyPair>>,
  change: (members: Members) => void = () => {},
  last?: { topic: string; state: string },
): Promise<Uint8Array> {
  const lines: string[] = [];
  let previous = GENESIS;
  for (let position = 1; position <= 3; position++) {
    const state = position === 3 && last ? last.state : `{"title":"Task ${position}","note":"été"}`;
    const recordedAt = `2024-05-03T07:30:0${position}.12345${position}Z`;
    const entry: Entry = {
      position,
      originatorId: uuid(`0b7e2f1a-3c4d-4e5f-8a9b-0c1d2e3f4a5${position}`),
      originatorVersion: position,
      investigationId: uuid(INVESTIGATION),
      recordedAt: microseconds(recordedAt)!,
      topic: position === 3 && last ? last.topic : 'domain.task:Task.Created',
      stateSha256: await sha256(new TextEncoder().encode(state)),
      eventHash: new Uint8Array(),
      link: new Uint8Array(),
      state: null,
    };
    entry.eventHash = await eventHash(entry);
    entry.link = await link(previous, entry.eventHash);
    previous = entry.link;
    lines.push(
      JSON.stringify({
        position,
        originator_id: `0b7e2f1a-3c4d-4e5f-8a9b-0c1d2e3f4a5${position}`,
        originator_version: position,
        investigation_id: INVESTIGATION,
        recorded_at: recordedAt,
        topic: entry.topic,
        state,
        state_sha256: hex(entry.stateSha256),
        event_hash: hex(entry.eventHash),
        investigation_hash: hex(entry.link),
      }),
    );
  }
  const statement = JSON.stringify({ format: 'jitspace/checkpoint/v1', scope: INVESTIGATION, position: 3, head_hash: hex(previous) });
  const signed: Members = {
    'checkpoint.json': strToU8(
      JSON.stringify({ statement, signature: base64(await key.sign(strToU8(statement))), public_key_pem: key.pem }),
    ),
    'events.jsonl': strToU8(lines.map((line) => line + '\n').join('')),
    'records.json': strToU8('{}'),
    'report.html': strToU8('<html></html>'),
    'README.txt': strToU8('How to check the bundle'),
  };
  const files: Record<string, string> = {};
  for (const [name, data] of Object.entries(signed)) files[name] = hex(await sha256(data));
  const manifest = strToU8(
    JSON.stringify({
      investigation_id: INVESTIGATION,
      investigation_name: 'Operation Harbour',
      as_of: null,
      up_to_position: 3,
      produced_at: '2024-05-04T10:00:00Z',
      produced_by: `Ines Martin (FR jit_leader, user ${INVESTIGATION})`,
      purpose: 'Tribunal de Lille',
      events: 3,
      withheld: 0,
      key_id: '',
      files,
    }),
  );
  const members: Members = {
    ...signed,
    'manifest.json': manifest,
    'manifest.sig': strToU8(base64(await key.sign(manifest))),
    'public-key.pem': strToU8(key.pem),
  };
  change(members);
  return zipSync(members);
}

const said = (report: BundleReport) =>
  report.findings.map((f) => `${f.position > 0 ? `position ${f.position}: ` : ''}${f.kind}: ${format(en[f.words.key], f.words.params)}`);

describe('checking a bundle in the browser', () => {
  it('finds an intact bundle intact, but its publisher unchecked without a pinned key', async () => {
    const key = await keyPair();
    const report = await checkBundle(await bundleOf(key));
    expect(said(report)).toEqual([]);
    expect(report).toMatchObject({ eventsChecked: 3, checkpointsChecked: 1, publisherChecked: false });
    expect(report.signedBy).toMatch(/^SHA256:([0-9a-f]{4} ){15}[0-9a-f]{4}$/);
    expect(report.about).toMatchObject({ investigationName: 'Operation Harbour', upToPosition: 3 });
  });

  it('checks the publisher against a key pinned as PEM or as its fingerprint', async () => {
    const key = await keyPair();
    const bundle = await bundleOf(key);
    const byPem = await checkBundle(bundle, await pinKey(key.pem));
    expect(byPem.publisherChecked).toBe(true);
    const byFingerprint = await checkBundle(bundle, await pinKey(byPem.signedBy.toUpperCase().replace('SHA256:', 'sha256: ')));
    expect(byFingerprint.publisherChecked).toBe(true);
  });

  it('refuses a bundle signed with another key than the pinned one', async () => {
    const [key, other] = [await keyPair(), await keyPair()];
    const pinned = (await pinKey(other.pem))!;
    const report = await checkBundle(await bundleOf(key), pinned);
    expect(report.publisherChecked).toBe(false);
    expect(said(report)).toEqual([
      `signature: the bundle is signed with key ${report.signedBy}, which is not the trusted key (${pinned.fingerprint})`,
    ]);
  });

  it('names the event whose bytes were altered, as jitspace verify does', async () => {
    const key = await keyPair();
    const bundle = await bundleOf(key, (members) => {
      const text = new TextDecoder().decode(members['events.jsonl']);
      members['events.jsonl'] = strToU8(text.replace('Task 2', 'Task 9'));
    });
    expect(said(await checkBundle(bundle))).toEqual([
      "file: events.jsonl was altered: its SHA-256 differs from the manifest's",
      'position 2: altered: the event at position 2 does not match the hash recorded for it',
    ]);
  });

  it('names an event that records an evidence file in a form that cannot be read, as jitspace verify does', async () => {
    const key = await keyPair();
    const fileAttached = 'domain.evidence:EvidenceItem.FileAttached';
    for (const state of ['not json', '[1, 2]', '{"name": "a.bin"}']) {
      const report = await checkBundle(await bundleOf(key, () => {}, { topic: fileAttached, state }));
      expect(said(report)).toEqual([
        'position 3: events: the event at position 3 records an evidence file in a form that cannot be read',
      ]);
    }
    const readable = '{"sha256": "ab", "storage_key": "evidence/ab"}';
    expect(said(await checkBundle(await bundleOf(key, () => {}, { topic: fileAttached, state: readable })))).toEqual([]);
  });

  it('says the manifest was altered when its signature no longer matches', async () => {
    const key = await keyPair();
    const bundle = await bundleOf(key, (members) => {
      const text = new TextDecoder().decode(members['manifest.json']);
      members['manifest.json'] = strToU8(text.replace('Tribunal de Lille', 'Tribunal de Paris'));
    });
    expect(said(await checkBundle(bundle))).toEqual(['manifest: manifest.json was altered: its signature does not match']);
  });

  it('lists the files missing from the bundle, and refuses a file that is no zip', async () => {
    const key = await keyPair();
    const bundle = await bundleOf(key, (members) => {
      delete members['records.json'];
      delete members['manifest.sig'];
    });
    expect(said(await checkBundle(bundle))).toEqual(['bundle: files missing from the bundle: manifest.sig, records.json']);
    const report = await checkBundle(strToU8('not a zip at all, only words'));
    expect(report.findings.map((f) => f.words.key)).toEqual(['check.damaged']);
  });

  it('names a file the manifest does not list, and one it lists but the bundle lacks', async () => {
    const key = await keyPair();
    const members = unzipSync(await bundleOf(key));
    members['extra.txt'] = strToU8('slipped in');
    delete members['README.txt'];
    members['README.txt'] = strToU8('How to check the bundle');
    delete members['report.html'];
    const report = await checkBundle(zipSync(members));
    expect(said(report)[0]).toBe('bundle: files missing from the bundle: report.html');
    members['report.html'] = strToU8('<html></html>');
    expect(said(await checkBundle(zipSync(members)))).toEqual(['file: extra.txt is not listed in the manifest']);
  });

  it('reads who produced the bundle as a name, country and role, without their id', () => {
    expect(producer(`Ines Martin (FR jit_leader, user ${INVESTIGATION})`)).toEqual({
      name: 'Ines Martin',
      country: 'FR',
      role: 'jit_leader',
    });
    expect(producer('someone else')).toBeNull();
  });

  it('reads recording times to the microsecond, in any time zone', () => {
    expect(microseconds('1970-01-01T00:00:00Z')).toBe(0n);
    expect(microseconds('2024-05-03T07:30:00.123456Z')).toBe(1_714_721_400_123_456n);
    expect(microseconds('2024-05-03T09:30:00.5+02:00')).toBe(1_714_721_400_500_000n);
    expect(microseconds('yesterday')).toBeNull();
  });

  it('pins only a key or a whole fingerprint', async () => {
    expect(await pinKey('SHA256:abcd')).toBeNull();
    expect(await pinKey('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----')).toBeNull();
    expect(await pinKey('a'.repeat(64))).toEqual({ fingerprint: 'SHA256:' + Array(16).fill('aaaa').join(' ') });
  });
});
