import { createRequire } from 'node:module';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS_DIR } from '../support/browser.js';

const require = createRequire(import.meta.url);
/** axe-core's browser bundle, injected into the page under test. */
export const AXE_PATH = require.resolve('axe-core/axe.min.js');

/** A Chromebook's screen (the size pupils use). */
export const CHROMEBOOK = { width: 1366, height: 768 } as const;

/** Runs axe-core (WCAG 2.0–2.2 A and AA rules) and returns the serious and critical violations, summarised. */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE_PATH });
  // Page scripts are passed as strings: the tests compile without the DOM library.
  const result = (await page.evaluate(
    `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } })`,
  )) as { violations: { id: string; impact: string | null; nodes: { target: unknown }[] }[] };
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
}

/** Saves a full-page screenshot to test-artifacts/ for people to look at. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS_DIR, `${name}.png`), fullPage: true });
}

/** Presses Tab until the element with `id` has focus (keyboard only); fails after `max` presses. */
export async function tabTo(page: Page, id: string, max = 25): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if ((await activeId(page)) === id) return;
  }
  throw new Error(`Tab never reached #${id}`);
}

/** The focused element's outline and box-shadow: a visible focus indicator has at least one. */
export async function focusStyle(page: Page): Promise<{ outline: string; shadow: string }> {
  return page.evaluate(`(() => { const s = getComputedStyle(document.activeElement); return { outline: s.outlineStyle + ' ' + s.outlineWidth, shadow: s.boxShadow }; })()`);
}

/** The id of the focused element ('' when it has none). */
export function activeId(page: Page): Promise<string> {
  return page.evaluate(`document.activeElement?.id ?? ''`);
}

/** The text of the focused element. */
export function activeText(page: Page): Promise<string> {
  return page.evaluate(`document.activeElement?.textContent ?? ''`);
}

/** Removes the form's hidden CSRF field, as a forged or stale post would lack it. */
export async function dropCsrfField(page: Page): Promise<void> {
  await page.evaluate(`document.querySelector('input[name=_csrf]')?.remove()`);
}
