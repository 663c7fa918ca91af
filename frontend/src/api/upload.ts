import { csrfHeaders, type Schemas } from './client';

export type FileStored = Schemas['EvidenceFileStored'];

export interface UploadCallbacks {
  progress(sent: number, total: number): void;
}

export interface Upload {
  done: Promise<FileStored>;
  abort(): void;
}

export class UploadError extends Error {
  constructor(
    readonly status: number,
    detail: string,
  ) {
    super(detail);
  }
}

export class UploadAborted extends Error {}

/** Sends one file's bytes to an evidence item. XMLHttpRequest, not fetch: it reports
 * upload progress and can be aborted. */
export function uploadFile(
  investigationId: string,
  evidenceId: string,
  file: File,
  callbacks: UploadCallbacks,
): Upload {
  const request = new XMLHttpRequest();
  const url =
    `/investigations/${encodeURIComponent(investigationId)}/evidence/${encodeURIComponent(evidenceId)}` +
    `/files?name=${encodeURIComponent(file.name)}`;
  const done = new Promise<FileStored>((resolve, reject) => {
    request.open('POST', url);
    request.withCredentials = true;
    request.setRequestHeader('Content-Type', file.type === '' ? 'application/octet-stream' : file.type);
    request.setRequestHeader('Accept', 'application/json');
    for (const [name, value] of Object.entries(csrfHeaders())) request.setRequestHeader(name, value);
    request.upload.onprogress = (event) => {
      callbacks.progress(event.loaded, event.lengthComputable ? event.total : file.size);
    };
    request.onload = () => {
      if (request.status >= 200 && request.status < 300) {
        resolve(JSON.parse(request.responseText) as FileStored);
        return;
      }
      let detail = request.statusText;
      try {
        const problem = JSON.parse(request.responseText) as { detail?: string; title?: string };
        detail = problem.detail ?? problem.title ?? detail;
      } catch {
        // keep the status text
      }
      reject(new UploadError(request.status, detail));
    };
    request.onerror = () => reject(new UploadError(0, 'network error'));
    request.onabort = () => reject(new UploadAborted('cancelled'));
    request.send(file);
  });
  return { done, abort: () => request.abort() };
}
