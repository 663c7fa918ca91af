import { describe, expect, it } from 'vitest';
import { attachmentName, readWithProgress } from './download';

function streamOf(...chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

describe('a download with progress', () => {
  it('says how far it got after each part and keeps every byte', async () => {
    const seen: [number, number | null][] = [];
    const blob = await readWithProgress(streamOf('PK', '\u0003\u0004', 'rest'), 8, (read, total) => seen.push([read, total]), 'application/zip');
    expect(seen).toEqual([
      [2, 8],
      [4, 8],
      [8, 8],
    ]);
    expect(blob.type).toBe('application/zip');
    expect(await blob.text()).toBe('PK\u0003\u0004rest');
  });

  it('names the file as the server does', () => {
    expect(attachmentName('attachment; filename="disclosure-1a2b-42.zip"', 'x.zip')).toBe('disclosure-1a2b-42.zip');
    expect(attachmentName(null, 'x.zip')).toBe('x.zip');
  });
});
