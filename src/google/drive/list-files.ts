import { drive_v3 } from 'googleapis/build/src/apis/drive/v3.js';
import { apiRoot, type GoogleAuthFactory } from '../auth.js';
import { GOOGLE_SCOPES } from '../scopes.js';

/** A Drive permission as files.list returns it with the fields Lantern asks for. */
export interface DrivePermission {
  id?: string | null;
  type?: string | null;
  role?: string | null;
  domain?: string | null;
  emailAddress?: string | null;
}

/** A file as files.list returns it: ids, type, date and sharing. `name` is read for the pupil-data check only. */
export interface DriveFile {
  id?: string | null;
  name?: string | null;
  mimeType?: string | null;
  modifiedTime?: string | null;
  permissions?: DrivePermission[] | null;
}

/** One page of a user's own files. */
export interface DriveFilePage {
  files: DriveFile[];
  nextPageToken?: string;
}

/** Reads one page of the files a user owns, as that user. */
export type DriveFileLister = (user: string, pageToken: string | undefined, signal?: AbortSignal) => Promise<DriveFilePage>;

// Only what the inventory judges a file by; the name is not stored.
const FIELDS = 'nextPageToken,files(id,name,mimeType,modifiedTime,permissions(id,type,role,domain,emailAddress))';

/**
 * files.list as each user (domain-wide delegation, drive.metadata.readonly): the files they own, not trashed, with
 * their permissions, `pageSize` up to 1,000. googleapis' own retries are off: the caller paces to the quota and
 * honours Retry-After itself, and counts what it was refused.
 */
export function driveFileLister(auth: GoogleAuthFactory, options: { apiUrl?: string | undefined; pageSize: number }): DriveFileLister {
  const scopes = [GOOGLE_SCOPES.driveMetadataReadonly.scope];
  const clients = new Map<string, drive_v3.Drive>();
  return async (user, pageToken, signal) => {
    let drive = clients.get(user);
    if (!drive) {
      drive = new drive_v3.Drive({ auth: auth(user, scopes), ...apiRoot(options.apiUrl) });
      clients.set(user, drive);
    }
    const res = await drive.files.list(
      { q: "'me' in owners and trashed = false", pageSize: options.pageSize, fields: FIELDS, spaces: 'drive', ...(pageToken ? { pageToken } : {}) },
      { retry: false, ...(signal ? { signal } : {}) },
    );
    return { files: (res.data.files ?? []) as DriveFile[], ...(res.data.nextPageToken ? { nextPageToken: res.data.nextPageToken } : {}) };
  };
}
