import { api, csrfHeaders, problemText, type Schemas } from './client';

export type FileStored = Schemas['EvidenceFileStored'];
type UploadSession = Schemas['UploadSessionOut'];

export interface UploadCallbacks {
  progress(sent: number, total: number): void;
  /** a resumable upload session was opened (keep its id to resume after a failure) */
  session?(uploadId: string): void;
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

/** Files larger than this go in parts, through a resumable upload session. */
export const partedAbove = 8 * 1024 * 1024;

function evidencePath(investigationId: string, evidenceId: string): string {
  return `/investigations/${encodeURIComponent(investigationId)}/evidence/${encodeURIComponent(evidenceId)}`;
}

/** One POST of bytes with XMLHttpRequest, not fetch: it reports upload progress and can be
 * aborted. */
function send<T>(
  url: string,
  body: Blob,
  headers: Record<string, string>,
  progress: (sent: number) => void,
  running: { current: XMLHttpRequest | null },
): Promise<T> {
  const request = new XMLHttpRequest();
  running.current = request;
  return new Promise<T>((resolve, reject) => {
    request.open('POST', url);
    request.withCredentials = true;
    request.setRequestHeader('Accept', 'application/json');
    for (const [name, value] of Object.entries({ ...headers, ...csrfHeaders() })) request.setRequestHeader(name, value);
    request.upload.onprogress = (event) => progress(event.loaded);
    request.onload = () => {
      running.current = null;
      if (request.status >= 200 && request.status < 300) {
        resolve(JSON.parse(request.responseText) as T);
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
    request.onerror = () => {
      running.current = null;
      reject(new UploadError(0, 'network error'));
    };
    request.onabort = () => {
      running.current = null;
      reject(new UploadAborted('cancelled'));
    };
    request.send(body);
  });
}

async function sha256Hex(blob: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Sends one file to an evidence item: a small file in one request, a large one in checked
 * parts through an upload session, resuming `resumeId` when given (only the parts the
 * server does not hold yet are sent). */
export function uploadFile(
  investigationId: string,
  evidenceId: string,
  file: File,
  callbacks: UploadCallbacks,
  resumeId: string | null = null,
): Upload {
  const running: { current: XMLHttpRequest | null } = { current: null };
  let aborted = false;
  const base = evidencePath(investigationId, evidenceId);
  const mediaType = file.type === '' ? 'application/octet-stream' : file.type;

  async function direct(): Promise<FileStored> {
    return send<FileStored>(
      `${base}/files?name=${encodeURIComponent(file.name)}`,
      file,
      { 'Content-Type': mediaType },
      (sent) => callbacks.progress(sent, file.size),
      running,
    );
  }

  async function openOrResume(): Promise<UploadSession> {
    const path = { investigation_id: investigationId, evidence_id: evidenceId };
    if (resumeId !== null) {
      const { data } = await api.GET('/investigations/{investigation_id}/evidence/{evidence_id}/uploads/{upload_id}', {
        params: { path: { ...path, upload_id: resumeId } },
      });
      if (data !== undefined) return data;
      // expired or unknown: start again
    }
    const { data, error, response } = await api.POST('/investigations/{investigation_id}/evidence/{evidence_id}/uploads', {
      params: { path },
      body: { name: file.name, size: file.size, media_type: mediaType },
    });
    if (data === undefined) throw new UploadError(response.status, problemText(error, response.statusText));
    callbacks.session?.(data.id);
    return data;
  }

  async function parted(): Promise<FileStored> {
    const session = await openOrResume();
    const url = `${base}/uploads/${encodeURIComponent(session.id)}`;
    let held = session.received_bytes;
    callbacks.progress(held, file.size);
    for (const number of session.missing) {
      if (aborted) throw new UploadAborted('cancelled');
      const start = (number - 1) * session.part_size;
      const part = file.slice(start, Math.min(file.size, start + session.part_size));
      const sha = await sha256Hex(part);
      if (aborted) throw new UploadAborted('cancelled');
      await send(url + `/parts/${number}`, part, { 'Content-Type': 'application/octet-stream', 'X-Content-SHA256': sha }, (sent) =>
        callbacks.progress(held + sent, file.size),
      running);
      held += part.size;
    }
    return send<FileStored>(url + '/completion', new Blob([]), {}, () => {}, running);
  }

  const done = file.size > partedAbove ? parted() : direct();
  return {
    done,
    abort: () => {
      aborted = true;
      running.current?.abort();
    },
  };
}

/** Lets the server drop what it holds of an abandoned upload session. */
export async function cancelUploadSession(investigationId: string, evidenceId: string, uploadId: string): Promise<void> {
  await api.POST('/investigations/{investigation_id}/evidence/{evidence_id}/uploads/{upload_id}/cancellation', {
    params: { path: { investigation_id: investigationId, evidence_id: evidenceId, upload_id: uploadId } },
  });
}
