/** Checking a disclosure bundle in the browser, with nothing sent anywhere: the findings of
 * jitspace/disclosure/checking.py (`jitspace verify BUNDLE`), in its order and words (the
 * messages `check.*`). What only the Python verifier does: rebuilding records.json and
 * report.html from the events (here both are checked against the signed manifest only),
 * checkpoints kept from before (`--against`), and the strict zip reader's layout rules
 * (here: every name once, sizes within the limits). */

import { unzipSync } from 'fflate';
import { type Entry, type Finding, type Head, finding, fromHex, hex, sha256, verifyChain } from './chainCheck';

// what checking.py holds whole, and the most each may inflate to (HELD_LIMITS)
const HELD_LIMITS: Record<string, number> = {
  'manifest.json': 16 << 20,
  'manifest.sig': 1 << 10,
  'public-key.pem': 16 << 10,
  'checkpoint.json': 1 << 20,
};
const EVENT_LINE_LIMIT = 16 << 20;
const RATIO_LIMIT = 100; // nothing in a bundle deflates more: beyond, a zip bomb
const SIGNED_FILES = ['checkpoint.json', 'events.jsonl', 'records.json', 'report.html', 'README.txt'];
const UNSIGNED_FILES = ['manifest.json', 'manifest.sig', 'public-key.pem'];
const FILE_ATTACHED = 'domain.evidence:EvidenceItem.FileAttached';

/** What the bundle says about itself (from its manifest), to show beside the verdict. */
export interface BundleAbout {
  investigationName: string;
  purpose: string;
  producedBy: string; // a person's name and role, as the bundle records it
  producedAt: string;
  asOf: string | null;
  upToPosition: number;
}

export interface BundleReport {
  eventsChecked: number;
  checkpointsChecked: number;
  findings: Finding[];
  signedBy: string; // the fingerprint of the key that signed the manifest
  publisherChecked: boolean; // and that key is the one the reader pinned
  about: BundleAbout | null;
}

/** A key the reader trusts: its fingerprint, from a pasted PEM or typed as announced. */
export interface PinnedKey {
  fingerprint: string;
}

const text = new TextDecoder('utf-8', { fatal: false });
const utf8 = new TextEncoder();

/** Who produced a bundle, from the manifest's "Name (FR jit_leader, user <id>)": shown
 * by name, country and role (the id is for the record, not for the reader). */
export function producer(producedBy: string): { name: string; country: string; role: string } | null {
  const parts = /^(.+) \(([A-Z]{2}) ([a-z_]+), user [0-9a-f-]+\)$/.exec(producedBy);
  return parts === null ? null : { name: parts[1]!, country: parts[2]!, role: parts[3]! };
}

/** "SHA256:abcd ef01 ...", as signing.py's `fingerprint` and `GET /ledger/public-key`. */
export function fingerprintOf(digest: Uint8Array): string {
  return 'SHA256:' + (hex(digest).match(/.{4}/g) ?? []).join(' ');
}

/** An Ed25519 public key in PEM (SubjectPublicKeyInfo); null if the text holds none. */
export async function importPublicKey(pem: string): Promise<{ key: CryptoKey; fingerprint: string; keyId: string } | null> {
  const body = /-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\s]*)-----END PUBLIC KEY-----/.exec(pem)?.[1];
  const der = body === undefined ? null : fromBase64(body.replace(/\s+/g, ''));
  if (der === null) return null;
  try {
    const key = await crypto.subtle.importKey('spki', der, { name: 'Ed25519' }, true, ['verify']);
    const digest = hex(await sha256(new Uint8Array(await crypto.subtle.exportKey('raw', key))));
    return { key, fingerprint: fingerprintOf(fromHex(digest)!), keyId: digest.slice(0, 16) };
  } catch {
    return null;
  }
}

/** The key the reader pins: a pasted PEM, or a fingerprint as the publisher announces it
 * (the 64 hex digits, with or without "SHA256:" and spaces). Null if it is neither. */
export async function pinKey(input: string): Promise<PinnedKey | null> {
  if (input.includes('-----BEGIN')) {
    const imported = await importPublicKey(input);
    return imported === null ? null : { fingerprint: imported.fingerprint };
  }
  const digits = input.trim().replace(/^SHA256:/i, '').replace(/[\s:]+/g, '').toLowerCase();
  return /^[0-9a-f]{64}$/.test(digits) ? { fingerprint: fingerprintOf(fromHex(digits)!) } : null;
}

/** base64 as Python's `b64decode(validate=True)` reads it; null otherwise. */
function fromBase64(encoded: string): Uint8Array<ArrayBuffer> | null {
  if (encoded.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(encoded)) return null;
  return Uint8Array.from(atob(encoded), (char) => char.charCodeAt(0));
}

/** A UUID's 16 bytes, from its text with or without hyphens. */
function uuidBytes(value: unknown): Uint8Array | null {
  if (typeof value !== 'string') return null;
  const digits = /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/.test(value)
    ? value.replace(/-/g, '')
    : '';
  return digits === '' ? null : fromHex(digits);
}

/** A UUID's text as Python writes it (`str(uuid)`), from its 32 hex digits. */
function canonicalUuid(digits: string): string {
  return [digits.slice(0, 8), digits.slice(8, 12), digits.slice(12, 16), digits.slice(16, 20), digits.slice(20)].join('-');
}

/** An RFC 3339 time (as the bundle writes `recorded_at`) in microseconds since the epoch. */
export function microseconds(value: unknown): bigint | null {
  if (typeof value !== 'string') return null;
  const parts = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}:\d{2})$/.exec(value);
  if (parts === null) return null;
  const [, year, month, day, hour, minute, second, fraction = '', zone = 'Z'] = parts;
  const seconds = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second)) / 1000;
  if (!Number.isFinite(seconds)) return null;
  const offset = zone === 'Z' ? 0 : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 3600 + Number(zone.slice(4, 6)) * 60);
  return BigInt(seconds - offset) * 1_000_000n + BigInt(fraction.padEnd(6, '0'));
}

const isInteger = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** One event of events.jsonl, as the chain sees it; a string naming the field otherwise. */
interface BundleEvent {
  entry: Entry;
  investigationId: string;
  state: string | null;
}

function bundleEvent(line: string): BundleEvent | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  if (!isObject(value)) return 'not an event';
  const originatorId = uuidBytes(value.originator_id);
  const investigationId = uuidBytes(value.investigation_id);
  const recordedAt = microseconds(value.recorded_at);
  const hashes = ['state_sha256', 'event_hash', 'investigation_hash'].map((name) =>
    typeof value[name] === 'string' ? fromHex(value[name]) : null,
  );
  const [stateSha256, eventHash, link] = hashes;
  const problem = !isInteger(value.position)
    ? 'position'
    : originatorId === null
      ? 'originator_id'
      : !isInteger(value.originator_version)
        ? 'originator_version'
        : investigationId === null
          ? 'investigation_id'
          : recordedAt === null
            ? 'recorded_at'
            : typeof value.topic !== 'string'
              ? 'topic'
              : value.state !== null && typeof value.state !== 'string'
                ? 'state'
                : (['state_sha256', 'event_hash', 'investigation_hash'].find((_, index) => hashes[index] === null) ?? null);
  if (problem !== null) return problem;
  const state = value.state as string | null;
  return {
    entry: {
      position: value.position as number,
      originatorId: originatorId!,
      originatorVersion: value.originator_version as number,
      investigationId: investigationId!,
      recordedAt: recordedAt!,
      topic: value.topic as string,
      stateSha256: stateSha256!,
      eventHash: eventHash!,
      link: link!,
      state: state === null ? null : utf8.encode(state),
    },
    investigationId: hex(investigationId!),
    state,
  };
}

class Unreadable extends Error {
  constructor(readonly found: Finding) {
    super(found.words.key);
  }
}

/** events.jsonl, a line at a time, none longer than an event can be. */
function readEvents(bytes: Uint8Array): BundleEvent[] {
  const events: BundleEvent[] = [];
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    const line = events.length + 1;
    if (end - start > EVENT_LINE_LIMIT)
      throw new Unreadable(finding('events', 0, 'check.lineTooLong', { line, limit: EVENT_LINE_LIMIT }));
    const read = bundleEvent(text.decode(bytes.subarray(start, end)));
    if (typeof read === 'string')
      throw new Unreadable(finding('events', 0, 'check.eventsUnreadable', { line, detail: read }));
    events.push(read);
    start = end + 1;
  }
  return events;
}

/** The evidence files the events record (not withheld): their SHA-256. */
/** The evidence files the bundle's (not withheld) events record, by their SHA-256, and the
 * position of the first event that records one in a form JITspace does not write (the
 * checker of disclosure/checking.py stops at it too). */
function attachedFiles(events: BundleEvent[]): { files: Set<string>; unreadable: number | null } {
  const files = new Set<string>();
  for (const event of events) {
    if (event.entry.topic !== FILE_ATTACHED || event.state === null) continue;
    let state: unknown = null;
    try {
      state = JSON.parse(event.state);
    } catch {
      // not JSON: unreadable, as below
    }
    if (isObject(state) && typeof state.sha256 === 'string' && typeof state.storage_key === 'string')
      files.add(state.sha256);
    else return { files, unreadable: event.entry.position };
  }
  return { files, unreadable: null };
}

interface Manifest extends BundleAbout {
  investigationId: string; // hex, as uuidBytes gives it
  files: Record<string, string>;
}

function readManifest(bytes: Uint8Array): Manifest | string {
  let value: unknown;
  try {
    value = JSON.parse(text.decode(bytes));
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  if (!isObject(value)) return 'not a manifest';
  const investigationId = uuidBytes(value.investigation_id);
  if (investigationId === null) return 'investigation_id';
  for (const name of ['investigation_name', 'purpose', 'produced_by', 'produced_at'])
    if (typeof value[name] !== 'string') return name;
  if (!isInteger(value.up_to_position)) return 'up_to_position';
  if (value.as_of !== null && typeof value.as_of !== 'string') return 'as_of';
  const files = value.files;
  if (!isObject(files) || !Object.values(files).every((digest) => typeof digest === 'string')) return 'files';
  return {
    investigationId: hex(investigationId),
    investigationName: value.investigation_name as string,
    purpose: value.purpose as string,
    producedBy: value.produced_by as string,
    producedAt: value.produced_at as string,
    asOf: (value.as_of as string | null) ?? null,
    upToPosition: value.up_to_position,
    files: files as Record<string, string>,
  };
}

interface Checkpoint {
  signed: boolean;
  scope: string;
  head: Head;
}

async function readCheckpoint(bytes: Uint8Array, bundleKeyId: string): Promise<Checkpoint | string> {
  let document: unknown;
  let statement: unknown;
  try {
    document = JSON.parse(text.decode(bytes));
    if (!isObject(document) || typeof document.statement !== 'string') return 'statement';
    statement = JSON.parse(document.statement);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  if (typeof document.signature !== 'string' || typeof document.public_key_pem !== 'string') return 'signature';
  const key = await importPublicKey(document.public_key_pem);
  const signature = fromBase64(document.signature);
  if (key === null) return 'the public key is not an Ed25519 key';
  if (signature === null) return 'signature';
  if (!isObject(statement) || typeof statement.scope !== 'string') return 'scope';
  if (!isInteger(statement.position)) return 'position';
  const headHash = typeof statement.head_hash === 'string' ? fromHex(statement.head_hash) : null;
  if (headHash === null) return 'head_hash';
  const signed =
    key.keyId === bundleKeyId &&
    (await crypto.subtle.verify({ name: 'Ed25519' }, key.key, signature, utf8.encode(document.statement)));
  return { signed, scope: statement.scope, head: { position: statement.position, headHash } };
}

/** The zip's members, every name once and within the limits (each refused before it is
 * inflated, as checking.py does); or why they cannot be read. */
function unzipped(bundle: Uint8Array): { members: Record<string, Uint8Array> } | { refused: Finding } {
  const damaged = (detail: string) => ({ refused: finding('bundle', 0, 'check.damaged', { detail }) });
  const listed: { name: string; size: number; originalSize: number }[] = [];
  try {
    // the table of contents only: nothing is inflated yet
    unzipSync(bundle, { filter: ({ name, size, originalSize }) => (listed.push({ name, size, originalSize }), false) });
  } catch (error) {
    return damaged(error instanceof Error ? error.message : String(error));
  }
  const sizes = new Map<string, { size: number; originalSize: number }>();
  for (const { name, ...entry } of listed) {
    if (sizes.has(name)) return { refused: finding('bundle', 0, 'check.twice', { name }) };
    sizes.set(name, entry);
  }
  const missing = [...UNSIGNED_FILES, ...SIGNED_FILES].filter((name) => !sizes.has(name)).sort();
  if (missing.length > 0) return { refused: finding('bundle', 0, 'check.filesMissing', { names: missing.join(', ') }) };
  for (const [name, limit] of Object.entries(HELD_LIMITS)) {
    const size = sizes.get(name)!.originalSize;
    if (size > limit) return { refused: finding('bundle', 0, 'check.tooLarge', { name, size, limit }) };
  }
  for (const [name, { size, originalSize }] of sizes)
    if (originalSize > RATIO_LIMIT * Math.max(size, 1))
      return {
        refused: finding('bundle', 0, 'check.bomb', { name, ratio: Math.floor(originalSize / Math.max(size, 1)), limit: RATIO_LIMIT }),
      };
  try {
    return { members: unzipSync(bundle) };
  } catch (error) {
    return damaged(error instanceof Error ? error.message : String(error));
  }
}

/** Everything in a bundle (its bytes), checked as `jitspace verify BUNDLE` checks it. With
 * `pinned`, the bundle must also be signed by that key; without, who signed it is left
 * unchecked: an intact bundle then only proves it is consistent with itself. */
export async function checkBundle(bundle: Uint8Array, pinned: PinnedKey | null = null): Promise<BundleReport> {
  const findings: Finding[] = [];
  let about: BundleAbout | null = null;
  const report = (eventsChecked = 0, checkpointsChecked = 0, signedBy = ''): BundleReport => ({
    eventsChecked,
    checkpointsChecked,
    findings,
    signedBy,
    publisherChecked: signedBy !== '' && pinned !== null && pinned.fingerprint === signedBy,
    about,
  });

  const read = unzipped(bundle);
  if ('refused' in read) {
    findings.push(read.refused);
    return report();
  }
  const members = read.members;
  const names = Object.keys(members);
  const found = new Map<string, string>();
  for (const name of names) found.set(name, hex(await sha256(members[name]!)));

  const key = await importPublicKey(text.decode(members['public-key.pem']));
  if (key === null) {
    findings.push(finding('signature', 0, 'check.badKey'));
    return report();
  }
  const signedBy = key.fingerprint;
  if (pinned !== null && pinned.fingerprint !== signedBy)
    findings.push(finding('signature', 0, 'check.notPinned', { signedBy, pinned: pinned.fingerprint }));
  const manifestBytes = members['manifest.json']!;
  const signature = fromBase64(text.decode(members['manifest.sig']));
  const signed =
    signature !== null && (await crypto.subtle.verify({ name: 'Ed25519' }, key.key, signature, manifestBytes as Uint8Array<ArrayBuffer>));
  if (!signed) findings.push(finding('manifest', 0, 'check.manifestAltered'));
  const manifest = readManifest(manifestBytes);
  if (typeof manifest === 'string') {
    findings.push(finding('manifest', 0, 'check.manifestUnreadable', { detail: manifest }));
    return report(0, 0, signedBy);
  }
  const { files: _files, investigationId: _id, ...described } = manifest;
  about = described;
  for (const name of names.filter((name) => !UNSIGNED_FILES.includes(name)).sort()) {
    const expected = manifest.files[name];
    if (expected === undefined) findings.push(finding('file', 0, 'check.notListed', { name }));
    else if (found.get(name) !== expected) findings.push(finding('file', 0, 'check.fileAltered', { name }));
    if (name.startsWith('files/') && found.get(name) !== name.slice('files/'.length))
      findings.push(finding('file', 0, 'check.fileNotItsName', { name }));
  }
  for (const name of Object.keys(manifest.files).filter((name) => !(name in members)).sort())
    findings.push(finding('file', 0, 'check.fileMissing', { name }));

  const heads: Head[] = [];
  const checkpoint = await readCheckpoint(members['checkpoint.json']!, key.keyId);
  if (typeof checkpoint === 'string') {
    findings.push(finding('checkpoint', 0, 'check.checkpointUnreadable', { detail: checkpoint }));
  } else if (!checkpoint.signed) {
    findings.push(finding('checkpoint', 0, 'check.checkpointUnsigned'));
  } else {
    if (checkpoint.scope !== canonicalUuid(manifest.investigationId))
      findings.push(finding('checkpoint', 0, 'check.checkpointElsewhere'));
    heads.push(checkpoint.head);
    if (checkpoint.head.position !== manifest.upToPosition) findings.push(finding('manifest', 0, 'check.endsDiffer'));
  }

  let events: BundleEvent[];
  try {
    events = readEvents(members['events.jsonl']!);
  } catch (error) {
    if (!(error instanceof Unreadable)) throw error;
    findings.push(error.found);
    return report(0, heads.length, signedBy);
  }
  findings.push(...(await verifyChain(events.map((event) => event.entry), heads)));
  const recorded = attachedFiles(events);
  if (recorded.unreadable !== null)
    findings.push(finding('events', recorded.unreadable, 'check.fileRecordUnreadable', { position: recorded.unreadable }));
  for (const name of names.filter((name) => name.startsWith('files/')).sort())
    if (!recorded.files.has(name.slice('files/'.length))) findings.push(finding('file', 0, 'check.notRecorded', { name }));
  if (events.some((event) => event.investigationId !== manifest.investigationId))
    findings.push(finding('events', 0, 'check.otherInvestigation'));
  return report(events.length, heads.length, signedBy);
}
