// What the console's browser test reads from its pages, as functions that run in the page. This program is typed
// for Node, without the DOM library, so each declares the few browser names it uses.
import type { Page } from 'playwright-core';

interface PageImage {
  getAttribute(name: string): string | null;
  complete: boolean;
  naturalWidth: number;
  naturalHeight: number;
}
interface PageCanvas {
  width: number;
  height: number;
  getContext(kind: '2d'): {
    drawImage(image: PageImage, x: number, y: number): void;
    getImageData(x: number, y: number, width: number, height: number): { data: ArrayLike<number> };
  };
}
interface PageGlobals {
  document: { querySelector(selector: string): PageImage | null; createElement(tag: 'canvas'): PageCanvas };
}

/** The value the job page's progress bar shows, once it is strictly between `above` and 100. */
export async function progressAbove(page: Page, above: number): Promise<number> {
  const handle = await page.waitForFunction((floor) => {
    const { document } = globalThis as unknown as PageGlobals;
    const value = Number(document.querySelector('.job-page [role=progressbar]')?.getAttribute('aria-valuenow') ?? NaN);
    return value > floor && value < 100 ? value : false;
  }, above);
  return (await handle.jsonValue()) as number;
}

/** What the paste in the try-it test uses of the browser. */
export interface PasteGlobals {
  atob(text: string): string;
  DataTransfer: new () => { items: { add(file: unknown): void } };
  File: new (parts: Uint8Array[], name: string, options: { type: string }) => unknown;
  ClipboardEvent: new (type: string, init: { clipboardData: unknown; bubbles: boolean }) => unknown;
}

/** The next try-it result (another job than `before`): its picture's size and middle pixel. */
export async function resultPixel(page: Page, before: string | null) {
  await page.waitForFunction((previous) => {
    const { document } = globalThis as unknown as PageGlobals;
    const id = document.querySelector('.try-result')?.getAttribute('data-job');
    return Boolean(id && id !== previous);
  }, before);
  return (await page.waitForFunction(middlePixel)).jsonValue();
}

/** The try-it result picture's size and the colour of its middle pixel, read back through a canvas. */
function middlePixel() {
  const { document } = globalThis as unknown as PageGlobals;
  const img = document.querySelector('.try-result img.output-image');
  if (!img || !img.complete || img.naturalWidth === 0) return false;
  const canvas = document.createElement('canvas');
  canvas.width = img.naturalWidth;
  canvas.height = img.naturalHeight;
  const context = canvas.getContext('2d');
  context.drawImage(img, 0, 0);
  const [r, g, b] = Array.from(context.getImageData(img.naturalWidth >> 1, img.naturalHeight >> 1, 1, 1).data);
  return { r, g, b, width: img.naturalWidth, height: img.naturalHeight };
}
