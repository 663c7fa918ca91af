/** Reads a response body to its end, saying how far it got (bytes read, and the total when
 * the server said it), and returns it as one Blob of `type`. */
export async function readWithProgress(
  body: ReadableStream<Uint8Array>,
  total: number | null,
  progress: (read: number, total: number | null) => void,
  type: string,
): Promise<Blob> {
  const reader = body.getReader();
  const parts: Uint8Array[] = [];
  let read = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    read += value.byteLength;
    progress(read, total);
  }
  return new Blob(parts as BlobPart[], { type });
}

/** Hands a Blob to the browser as a download named `name`. */
export function saveAs(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The file name a Content-Disposition header gives, else `fallback`. */
export function attachmentName(disposition: string | null, fallback: string): string {
  const match = /filename="([^"]+)"/.exec(disposition ?? '');
  return match?.[1] ?? fallback;
}
