/** The page's one polite live region: what changed without the user asking. */
const region = $state({ text: '' });

export const announcement = {
  get text(): string {
    return region.text;
  },
};

export function announce(text: string): void {
  // a new text each time, so the same words twice are read twice
  region.text = '';
  queueMicrotask(() => (region.text = text));
}
