import type { Connection } from 'mongoose';
import { agreementVersionSchema } from './version-model.js';
import { agreementGroupRunSchema } from './group-run-model.js';
import { agreementCampaignSchema, agreementOpenSendSchema, agreementSendClaimSchema, agreementSendResultSchema, agreementSendSchema } from './campaign-model.js';
import { kioskLinkSchema } from './kiosk-link-model.js';
import { agreementOpenRequestSchema } from './request-model.js';
import { signerLinkSchema, signerLinkUseSchema } from './signer-link-model.js';
import { agreementAuditAnswerSchema, agreementChainHeadSchema, agreementQuestionSchema, agreementSignatureSchema } from './signature-model.js';

/** Compiles the collections of policy versions, campaigns, sends (and those still open), the follow-up tick's open requests, signatures and their chain heads, questions, self-audit answers, group-sync runs, emailed signer links and reception kiosk links on one connection. */
export function createAgreementModels(conn: Connection) {
  return {
    agreementVersions: conn.model('AgreementVersion', agreementVersionSchema, 'agreement_versions'),
    agreementCampaigns: conn.model('AgreementCampaign', agreementCampaignSchema, 'agreement_campaigns'),
    agreementSends: conn.model('AgreementSend', agreementSendSchema, 'agreement_sends'),
    agreementOpenSends: conn.model('AgreementOpenSend', agreementOpenSendSchema, 'agreement_open_sends'),
    agreementSendClaims: conn.model('AgreementSendClaim', agreementSendClaimSchema, 'agreement_send_claims'),
    agreementOpenRequests: conn.model('AgreementOpenRequest', agreementOpenRequestSchema, 'agreement_open_requests'),
    agreementSendResults: conn.model('AgreementSendResult', agreementSendResultSchema, 'agreement_send_results'),
    agreementSignatures: conn.model('AgreementSignature', agreementSignatureSchema, 'agreement_signatures'),
    agreementChainHeads: conn.model('AgreementChainHead', agreementChainHeadSchema, 'agreement_chain_heads'),
    agreementQuestions: conn.model('AgreementQuestion', agreementQuestionSchema, 'agreement_questions'),
    agreementAuditAnswers: conn.model('AgreementAuditAnswer', agreementAuditAnswerSchema, 'agreement_audit_answers'),
    agreementGroupRuns: conn.model('AgreementGroupRun', agreementGroupRunSchema, 'agreement_group_runs'),
    agreementSignerLinks: conn.model('AgreementSignerLink', signerLinkSchema, 'agreement_signer_links'),
    agreementSignerLinkUses: conn.model('AgreementSignerLinkUse', signerLinkUseSchema, 'agreement_signer_link_uses'),
    agreementKioskLinks: conn.model('AgreementKioskLink', kioskLinkSchema, 'agreement_kiosk_links'),
  };
}

/** The models createAgreementModels compiles: what this capability stores. */
export type AgreementModels = ReturnType<typeof createAgreementModels>;
