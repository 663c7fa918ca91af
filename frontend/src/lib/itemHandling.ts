import type { EventOut } from './live/protocol';

/** One forensic or handling fact recorded on an item, as the item's events say it. */
export type HandlingFact =
  | { kind: 'review'; at: string; by: string; result: string }
  | { kind: 'search'; at: string; witnesses: string[]; inventory: boolean; signedBy: string[] }
  | { kind: 'examination'; at: string; writeBlocked: boolean; reason: string; examiner: string; competence: string }
  | { kind: 'certificate'; at: string; by: string; basis: string; notice: string | null }
  | { kind: 'translation'; at: string; language: string; translator: string; linked: boolean }
  | { kind: 'log'; at: string; keptBy: string; keptIn: string }
  | { kind: 'hash'; at: string; algorithm: string; by: string; tool: string }
  | { kind: 'verification'; at: string; algorithm: string; matched: boolean; by: string; tool: string };

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function names(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** The facts in the order recorded; events withheld from the reader (no data) are left out. */
export function handlingFactsOf(events: readonly EventOut[]): HandlingFact[] {
  const facts: HandlingFact[] = [];
  for (const event of events) {
    const d = event.data as Record<string, unknown> | null;
    if (d === null) continue;
    const at = text(d.occurred_at) || event.recorded_at;
    switch (event.type) {
      case 'EvidenceItem.PrivilegeReviewed':
        facts.push({ kind: 'review', at, by: text(d.reviewed_by), result: text(d.result) });
        break;
      case 'EvidenceItem.SearchRecorded':
        facts.push({ kind: 'search', at, witnesses: names(d.witnesses), inventory: d.inventory_made === true, signedBy: names(d.signed_by) });
        break;
      case 'EvidenceItem.ExaminationRecorded':
        facts.push({
          kind: 'examination',
          at,
          writeBlocked: d.write_blocked === true,
          reason: text(d.live_access_reason),
          examiner: text(d.examiner),
          competence: text(d.competence),
        });
        break;
      case 'EvidenceItem.CertificateRecorded':
        facts.push({ kind: 'certificate', at, by: text(d.certified_by), basis: text(d.basis), notice: text(d.notice_given_at) || null });
        break;
      case 'EvidenceItem.Translated':
        facts.push({ kind: 'translation', at, language: text(d.language), translator: text(d.translator), linked: text(d.source_sha256) !== '' });
        break;
      case 'EvidenceItem.ProcessingLogRecorded':
        facts.push({ kind: 'log', at, keptBy: text(d.kept_by), keptIn: text(d.kept_in) });
        break;
      case 'EvidenceItem.HashedElsewhere':
        facts.push({ kind: 'hash', at, algorithm: text(d.algorithm), by: text(d.hashed_by), tool: text(d.tool) });
        break;
      case 'EvidenceItem.VerifiedElsewhere':
        facts.push({ kind: 'verification', at, algorithm: text(d.algorithm), matched: d.matched === true, by: text(d.verified_by), tool: text(d.tool) });
        break;
    }
  }
  return facts;
}
