import {
  cancelUploadSession,
  uploadFile,
  UploadAborted,
  type FileStored,
  type Upload,
  type UploadCallbacks,
} from '../api/upload';

/** How the queue sends a file and drops an abandoned session (the API, or a fake in tests). */
export interface Uploader {
  upload(file: File, callbacks: UploadCallbacks, resumeId: string | null): Upload;
  cancelSession(uploadId: string): Promise<void>;
}

export type UploadStatus = 'waiting' | 'uploading' | 'done' | 'failed' | 'cancelled';

export interface QueuedUpload {
  key: number;
  file: File;
  status: UploadStatus;
  percent: number;
  error: string;
  /** the resumable session of a large file: a retry sends only the parts still missing */
  uploadId: string | null;
}

/** Files on their way to one evidence item: a few at a time, each with its progress,
 * cancellable and retryable. */
export class UploadQueue {
  entries = $state<QueuedUpload[]>([]);
  private readonly running = new Map<number, Upload>();
  private nextKey = 1;

  constructor(
    private readonly uploader: Uploader,
    private readonly events: {
      stored(file: FileStored): void;
      finished(entry: QueuedUpload): void;
    },
    private readonly parallel = 2,
  ) {}

  /** The queue of one evidence item, sending through the API. */
  static forItem(investigationId: string, evidenceId: string, events: UploadQueue['events']): UploadQueue {
    return new UploadQueue(
      {
        upload: (file, callbacks, resumeId) => uploadFile(investigationId, evidenceId, file, callbacks, resumeId),
        cancelSession: (uploadId) => cancelUploadSession(investigationId, evidenceId, uploadId),
      },
      events,
    );
  }

  add(files: Iterable<File>): void {
    for (const file of files) {
      this.entries.push({ key: this.nextKey++, file, status: 'waiting', percent: 0, error: '', uploadId: null });
    }
    this.pump();
  }

  cancel(key: number): void {
    const entry = this.find(key);
    if (entry === undefined) return;
    const upload = this.running.get(key);
    if (upload !== undefined) upload.abort();
    else if (entry.status === 'waiting') this.finish(entry, 'cancelled');
    // a cancelled session is not resumed: the server may drop what it holds
    if (entry.uploadId !== null) {
      void this.uploader.cancelSession(entry.uploadId).catch(() => {});
      entry.uploadId = null;
    }
  }

  retry(key: number): void {
    const entry = this.find(key);
    if (entry === undefined || (entry.status !== 'failed' && entry.status !== 'cancelled')) return;
    entry.status = 'waiting';
    entry.percent = 0;
    entry.error = '';
    this.pump();
  }

  /** Stops every upload in flight (the user left the page). */
  abortAll(): void {
    for (const upload of this.running.values()) upload.abort();
  }

  clearFinished(): void {
    this.entries = this.entries.filter((e) => e.status === 'waiting' || e.status === 'uploading');
  }

  private find(key: number): QueuedUpload | undefined {
    return this.entries.find((e) => e.key === key);
  }

  private pump(): void {
    for (const entry of this.entries) {
      if (this.running.size >= this.parallel) return;
      if (entry.status === 'waiting') this.start(entry.key);
    }
  }

  private start(key: number): void {
    const entry = this.find(key)!;
    entry.status = 'uploading';
    const upload = this.uploader.upload(
      entry.file,
      {
        progress: (sent, total) => {
          const current = this.find(key);
          if (current !== undefined) current.percent = total > 0 ? Math.min(100, Math.floor((sent / total) * 100)) : 0;
        },
        session: (uploadId) => {
          const current = this.find(key);
          if (current !== undefined) current.uploadId = uploadId;
        },
      },
      entry.uploadId,
    );
    this.running.set(key, upload);
    upload.done.then(
      (stored) => {
        this.events.stored(stored);
        this.settle(key, 'done', '');
      },
      (failure: unknown) => {
        if (failure instanceof UploadAborted) this.settle(key, 'cancelled', '');
        else this.settle(key, 'failed', failure instanceof Error ? failure.message : String(failure));
      },
    );
  }

  private settle(key: number, status: UploadStatus, error: string): void {
    this.running.delete(key);
    const entry = this.find(key);
    if (entry !== undefined) {
      entry.error = error;
      if (status === 'done') {
        entry.percent = 100;
        entry.uploadId = null;
      }
      this.finish(entry, status);
    }
    this.pump();
  }

  private finish(entry: QueuedUpload, status: UploadStatus): void {
    entry.status = status;
    this.events.finished(entry);
  }
}
