/** Where an inventory reads: Google Drive (every user's, by delegation) or OneDrive / SharePoint (Graph). */
export type InventorySource = 'google' | 'microsoft';
/** Both sources, in the order a run walks them. */
export const INVENTORY_SOURCES: readonly InventorySource[] = ['google', 'microsoft'];

/** How a file is exposed outside the school. */
export type SharingKind = 'anyone-with-link' | 'external-domain' | 'external-user';
/** The kinds, most exposed first. */
export const SHARING_KINDS: readonly SharingKind[] = ['anyone-with-link', 'external-domain', 'external-user'];

/** One grant that reaches outside the school: the permission id remediation removes, the role, and the outside domain. */
export interface ExposedShare {
  kind: SharingKind;
  role: string;
  /** Drive and Graph permission id; absent when Graph said only "shared with anyone" (found again at the dry run). */
  permissionId?: string;
  /** The outside domain for external grants; never the full address (the dry run reads it fresh). */
  domain?: string;
}

/** What a mime type is, in words a school uses; the type itself is not kept. */
export type MimeCategory = 'document' | 'spreadsheet' | 'presentation' | 'pdf' | 'image' | 'video' | 'audio' | 'form' | 'folder' | 'other';

/**
 * One file as a source read it, before it is judged. The title is here only for the pupil-data check and is
 * dropped with this object; it is never stored.
 */
export interface ListedFile {
  fileId: string;
  /** Graph: the drive the item is in (remediation addresses it by drive and item). */
  driveId?: string;
  /** The owner's address (Drive) or the creator's (SharePoint); lower case. */
  owner: string;
  title?: string;
  mimeType?: string;
  folder?: boolean;
  modifiedAt?: Date;
  shares: ExposedShare[];
  /** Addresses inside the school the file is shared with, to see whether pupils can open it. */
  sharedWith: string[];
}

/** Priority buckets, highest first. */
export type Priority = 'high' | 'medium' | 'low';
export const PRIORITIES: readonly Priority[] = ['high', 'medium', 'low'];
