import { describe, expect, it } from 'vitest';
import { UploadAborted, UploadError, type FileStored, type UploadCallbacks } from '../api/upload';
import { UploadQueue, type Uploader } from './uploadQueue.svelte';

interface Sent {
  name: string;
  resumeId: string | null;
  callbacks: UploadCallbacks;
  succeed(): void;
  fail(): void;
  aborted: boolean;
}

function fakeUploader() {
  const sent: Sent[] = [];
  const cancelled: string[] = [];
  const uploader: Uploader = {
    upload(file, callbacks, resumeId) {
      let resolve!: (stored: FileStored) => void;
      let reject!: (error: Error) => void;
      const done = new Promise<FileStored>((ok, no) => {
        resolve = ok;
        reject = no;
      });
      const entry: Sent = {
        name: file.name,
        resumeId,
        callbacks,
        aborted: false,
        succeed: () =>
          resolve({
            evidence_id: 'e',
            version: 2,
            file: { id: file.name, name: file.name, media_type: 'text/plain', sha256: '0', size: 1, integrity: 'unverified' },
          }),
        fail: () => reject(new UploadError(0, 'network error')),
      };
      sent.push(entry);
      return {
        done,
        abort: () => {
          entry.aborted = true;
          reject(new UploadAborted('cancelled'));
        },
      };
    },
    cancelSession: async (uploadId) => {
      cancelled.push(uploadId);
    },
  };
  return { uploader, sent, cancelled };
}

const file = (name: string) => new File(['x'], name, { type: 'text/plain' });
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('upload queue', () => {
  it('sends two files at a time and the next when one finishes', async () => {
    const { uploader, sent } = fakeUploader();
    const stored: string[] = [];
    const queue = new UploadQueue(uploader, { stored: (s) => stored.push(s.file.id), finished: () => {} });
    queue.add([file('a'), file('b'), file('c')]);
    expect(sent.map((s) => s.name)).toEqual(['a', 'b']);
    expect(queue.entries.map((e) => e.status)).toEqual(['uploading', 'uploading', 'waiting']);
    sent[0]!.succeed();
    await settle();
    expect(sent.map((s) => s.name)).toEqual(['a', 'b', 'c']);
    expect(stored).toEqual(['a']);
    expect(queue.entries[0]).toMatchObject({ status: 'done', percent: 100 });
  });

  it('shows progress in whole percent', () => {
    const { uploader, sent } = fakeUploader();
    const queue = new UploadQueue(uploader, { stored: () => {}, finished: () => {} });
    queue.add([file('a')]);
    sent[0]!.callbacks.progress(333, 1000);
    expect(queue.entries[0]!.percent).toBe(33);
  });

  it('resumes a failed large file in its session on retry', async () => {
    const { uploader, sent } = fakeUploader();
    const queue = new UploadQueue(uploader, { stored: () => {}, finished: () => {} });
    queue.add([file('big')]);
    sent[0]!.callbacks.session?.('session-1');
    sent[0]!.fail();
    await settle();
    expect(queue.entries[0]).toMatchObject({ status: 'failed', error: 'network error', uploadId: 'session-1' });
    queue.retry(queue.entries[0]!.key);
    expect(sent[1]!.resumeId).toBe('session-1');
  });

  it('cancels a running upload, drops its session, and starts afresh on retry', async () => {
    const { uploader, sent, cancelled } = fakeUploader();
    const finished: string[] = [];
    const queue = new UploadQueue(uploader, { stored: () => {}, finished: (e) => finished.push(e.status) });
    queue.add([file('big')]);
    sent[0]!.callbacks.session?.('session-2');
    queue.cancel(queue.entries[0]!.key);
    await settle();
    expect(sent[0]!.aborted).toBe(true);
    expect(cancelled).toEqual(['session-2']);
    expect(finished).toEqual(['cancelled']);
    queue.retry(queue.entries[0]!.key);
    expect(sent[1]!.resumeId).toBeNull();
  });

  it('cancels a waiting file without sending it', () => {
    const { uploader, sent } = fakeUploader();
    const queue = new UploadQueue(uploader, { stored: () => {}, finished: () => {} }, 1);
    queue.add([file('a'), file('b')]);
    queue.cancel(queue.entries[1]!.key);
    expect(queue.entries[1]!.status).toBe('cancelled');
    expect(sent).toHaveLength(1);
  });
});
