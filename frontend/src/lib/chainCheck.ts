/** The hash chain of a disclosure bundle's events, checked in the browser: the byte layout
 * of jitspace/ledger/chain.py and the findings of jitspace/ledger/verification.py's `verify`,
 * in the same order and words (the messages `check.*`), with SHA-256 from WebCrypto. */

import type { MessageKey } from '../i18n/en';

export const GENESIS: Uint8Array = new Uint8Array(32);
const EVENT_DOMAIN = new TextEncoder().encode('jitspace/event/v2\0');

/** One event as the chain sees it (`Entry` in verification.py). `state` is null when the
 * event was withheld: the chain covers it only through `stateSha256`. */
export interface Entry {
  position: number;
  originatorId: Uint8Array; // 16 bytes, RFC 4122 order
  originatorVersion: number;
  investigationId: Uint8Array; // 16 bytes
  recordedAt: bigint; // microseconds since 1970-01-01T00:00:00Z
  topic: string;
  stateSha256: Uint8Array;
  eventHash: Uint8Array;
  link: Uint8Array; // the recorded investigation_hash
  state: Uint8Array | null;
}

/** A signed statement that the chain reached `headHash` at `position`. */
export interface Head {
  position: number;
  headHash: Uint8Array;
}

/** A message key and its placeholders: the page says it in the reader's language. */
export interface Words {
  key: MessageKey;
  params: Record<string, string | number>;
}

export interface Finding {
  kind: string; // as `jitspace verify` prints it: altered, reordered, missing, ...
  position: number; // 0: the bundle as a whole
  words: Words;
}

export function finding(kind: string, position: number, key: MessageKey, params: Record<string, string | number> = {}): Finding {
  return { kind, position, words: { key, params } };
}

export async function sha256(...parts: Uint8Array[]): Promise<Uint8Array> {
  const whole = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    whole.set(part, offset);
    offset += part.length;
  }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', whole));
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, index) => byte === b[index]);
}

export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** `bytes.fromhex`: any even number of hex digits; null if the text is not that. */
export function fromHex(text: string): Uint8Array | null {
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(text)) return null;
  return Uint8Array.from(text.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

/** The event hash of chain.py: the header (big-endian), the topic, the state's hash. */
export async function eventHash(entry: Entry, position: number = entry.position): Promise<Uint8Array> {
  const topic = new TextEncoder().encode(entry.topic);
  const header = new DataView(new ArrayBuffer(8 + 16 + 8 + 16 + 8 + 4));
  header.setBigUint64(0, BigInt(position));
  new Uint8Array(header.buffer, 8, 16).set(entry.originatorId);
  header.setBigUint64(24, BigInt(entry.originatorVersion));
  new Uint8Array(header.buffer, 32, 16).set(entry.investigationId);
  header.setBigInt64(48, entry.recordedAt);
  header.setUint32(56, topic.length);
  return sha256(EVENT_DOMAIN, new Uint8Array(header.buffer), topic, entry.stateSha256);
}

export function link(previous: Uint8Array, thisEventHash: Uint8Array): Promise<Uint8Array> {
  return sha256(previous, thisEventHash);
}

function byPosition(a: Finding, b: Finding): number {
  if (a.position !== b.position) return a.position - b.position;
  return a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0;
}

/** Every inconsistency between the entries (in stored order) and their chain, as
 * verification.py's `verify` names them. */
export async function verifyChain(entries: Entry[], heads: Head[] = []): Promise<Finding[]> {
  const findings: Finding[] = [];
  const computed = await Promise.all(entries.map((entry) => eventHash(entry)));
  const contentOk = await Promise.all(
    entries.map(
      async (entry, index) =>
        (entry.state === null || sameBytes(await sha256(entry.state), entry.stateSha256)) &&
        sameBytes(computed[index]!, entry.eventHash),
    ),
  );

  // an entry whose recorded hash fits another broken entry's position was moved there
  const brokenPositions = entries.filter((_, index) => !contentOk[index]).map((entry) => entry.position);
  const searchMoves = brokenPositions.length <= 1000; // beyond that, report each as altered
  const moved = new Set<number>();
  for (const [index, entry] of entries.entries()) {
    if (contentOk[index]) continue;
    let origin: number | null = null;
    for (const position of searchMoves ? brokenPositions : []) {
      if (position !== entry.position && sameBytes(await eventHash(entry, position), entry.eventHash)) {
        origin = position;
        break;
      }
    }
    if (origin === null) {
      findings.push(finding('altered', entry.position, 'check.altered', { position: entry.position }));
      continue;
    }
    moved.add(index);
    findings.push(finding('reordered', entry.position, 'check.reordered', { position: entry.position, origin }));
  }

  // links, as recorded: each must follow from the one before
  const inserted = new Set<number>();
  for (const [index, entry] of entries.entries()) {
    const previous = index > 0 ? entries[index - 1]!.link : GENESIS;
    if (sameBytes(await link(previous, entry.eventHash), entry.link) || inserted.has(index)) continue;
    if (moved.has(index) || moved.has(index - 1)) continue; // explained by the reordering
    const beforePrevious = index >= 2 ? entries[index - 2]!.link : GENESIS;
    if (index >= 1 && sameBytes(await link(beforePrevious, entry.eventHash), entry.link)) {
      inserted.add(index - 1);
      const position = entries[index - 1]!.position;
      findings.push(finding('inserted', position, 'check.inserted', { position }));
    } else if (!inserted.has(index - 1)) {
      const after = index > 0 ? entries[index - 1]!.position : 0;
      findings.push(finding('missing', entry.position, 'check.missing', { after, position: entry.position }));
    }
  }

  // signed heads, against the chain recomputed from the content alone
  const wanted = new Set(heads.map((head) => head.position));
  const recomputed = new Map<number, Uint8Array>();
  if (findings.length === 0) {
    // every event matches its hash and every link follows: the links are that chain
    for (const entry of entries) if (wanted.has(entry.position)) recomputed.set(entry.position, entry.link);
  } else if (wanted.size > 0) {
    let running = GENESIS;
    for (const [index, entry] of entries.entries()) {
      running = await link(running, computed[index]!);
      if (wanted.has(entry.position)) recomputed.set(entry.position, running);
    }
  }
  const last = entries.length > 0 ? entries[entries.length - 1]!.position : 0;
  for (const head of heads) {
    const reached = recomputed.get(head.position);
    if (head.position > last) {
      findings.push(finding('truncated', head.position, 'check.truncated', { last, position: head.position }));
    } else if (reached === undefined) {
      findings.push(finding('missing', head.position, 'check.headMissing', { position: head.position }));
    } else if (!sameBytes(reached, head.headHash)) {
      findings.push(finding('checkpoint', head.position, 'check.headDiffers', { position: head.position }));
    }
  }
  return findings.sort(byPosition);
}
