import type { ListedFile, InventorySource } from './types.js';

/** One thing a run walks: a user's Drive, a user's OneDrive or a SharePoint site's library. */
export interface InventoryUnit {
  unitId: string;
  kind: 'drive-user' | 'onedrive' | 'site';
  /** The user Lantern acts as (Drive) or whose OneDrive it reads. */
  user?: string;
}

/** One page of a unit: how many files it held, those worth judging, and the cursor of the next page (absent on the last). */
export interface UnitPage {
  seen: number;
  files: ListedFile[];
  next?: string;
}

/** How a run reads one source: its units, then each unit page by page, paced to the source's quota. */
export interface InventoryWalker {
  readonly source: InventorySource;
  listUnits(signal?: AbortSignal): Promise<InventoryUnit[]>;
  readPage(unit: InventoryUnit, cursor: string | undefined, signal?: AbortSignal): Promise<UnitPage>;
  /** Refusals (429 and the like) received so far. */
  throttled(): number;
}
