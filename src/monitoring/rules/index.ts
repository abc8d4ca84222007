import type { Rule } from '../rule.js';
import { accountCompromiseBruteForceGoogle } from './account-compromise-brute-force-google.js';
import { accountCompromiseBruteForceMicrosoft } from './account-compromise-brute-force-microsoft.js';
import { accountCompromiseSignalGoogle } from './account-compromise-signal-google.js';
import { accountCompromiseSignalGraphAlert } from './account-compromise-signal-graph-alert.js';
import { accountCompromiseSignalMicrosoft } from './account-compromise-signal-microsoft.js';
import { accountMfaDisabledGoogle } from './account-mfa-disabled-google.js';
import { accountMfaDisabledMicrosoft } from './account-mfa-disabled-microsoft.js';
import { accountPrivilegeGrantGoogle } from './account-privilege-grant-google.js';
import { accountPrivilegeGrantMicrosoft } from './account-privilege-grant-microsoft.js';
import { appRiskyOauthGrantGoogle } from './app-risky-oauth-grant-google.js';
import { appRiskyOauthGrantMicrosoft } from './app-risky-oauth-grant-microsoft.js';
import { contentIndecentImageGoogleAlert } from './content-indecent-image-google-alert.js';
import { contentIndecentImageGraphAlert } from './content-indecent-image-graph-alert.js';
import { dataMassDeleteGoogle } from './data-mass-delete-google.js';
import { dataMassDeleteMicrosoft } from './data-mass-delete-microsoft.js';
import { dataMassDownloadExportGoogle } from './data-mass-download-export-google.js';
import { dataMassDownloadGoogle } from './data-mass-download-google.js';
import { dataMassDownloadMicrosoft } from './data-mass-download-microsoft.js';
import { emailExternalForwardingGoogle } from './email-external-forwarding-google.js';
import { emailExternalForwardingMicrosoft } from './email-external-forwarding-microsoft.js';
import { emailMaliciousInboundGoogle } from './email-malicious-inbound-google.js';
import { emailMaliciousInboundMicrosoft } from './email-malicious-inbound-microsoft.js';
import { sharingCalendarPublicGoogle } from './sharing-calendar-public-google.js';
import { sharingCalendarPublicMicrosoft } from './sharing-calendar-public-microsoft.js';
import { sharingExternalUserGoogle } from './sharing-external-user-google.js';
import { sharingExternalUserMicrosoft } from './sharing-external-user-microsoft.js';
import { sharingOwnershipTransferExternalGoogle } from './sharing-ownership-transfer-external-google.js';
import { sharingPublicLinkGoogle } from './sharing-public-link-google.js';
import { sharingPublicLinkMicrosoft } from './sharing-public-link-microsoft.js';

/** Every detection rule, grouped by family. Adding a rule is adding a file in this folder and a line here. */
export const ALL_RULES: readonly Rule[] = [
  sharingPublicLinkGoogle,
  sharingPublicLinkMicrosoft,
  sharingExternalUserGoogle,
  sharingExternalUserMicrosoft,
  sharingOwnershipTransferExternalGoogle,
  sharingCalendarPublicGoogle,
  sharingCalendarPublicMicrosoft,
  emailExternalForwardingGoogle,
  emailExternalForwardingMicrosoft,
  emailMaliciousInboundGoogle,
  emailMaliciousInboundMicrosoft,
  accountCompromiseSignalGoogle,
  accountCompromiseBruteForceGoogle,
  accountCompromiseSignalMicrosoft,
  accountCompromiseBruteForceMicrosoft,
  accountCompromiseSignalGraphAlert,
  accountMfaDisabledGoogle,
  accountMfaDisabledMicrosoft,
  accountPrivilegeGrantGoogle,
  accountPrivilegeGrantMicrosoft,
  appRiskyOauthGrantGoogle,
  appRiskyOauthGrantMicrosoft,
  dataMassDownloadGoogle,
  dataMassDownloadExportGoogle,
  dataMassDownloadMicrosoft,
  dataMassDeleteGoogle,
  dataMassDeleteMicrosoft,
  contentIndecentImageGraphAlert,
  contentIndecentImageGoogleAlert,
];
