import type { Connection } from 'mongoose';
import { personSchema } from '../directory/person.js';
import { jobFenceSchema, jobSchema } from '../jobs/job-model.js';
import { scheduleSchema } from '../jobs/schedule-model.js';
import { conversationRefSchema } from '../teams/conversation-ref.js';
import { digestSendAttemptSchema, digestSendSchema } from '../digest/send-model.js';
import { boardSchema } from '../cases/board.js';
import { caseIntakeSchema, caseNumberSchema, caseSchema } from '../cases/case-model.js';
import { accessLogSchema, timelineSchema } from '../cases/timeline-model.js';
import { agreementCampaignSchema, agreementSendClaimSchema, agreementSendResultSchema, agreementSendSchema } from '../agreements/campaign-model.js';
import { agreementAuditAnswerSchema, agreementChainHeadSchema, agreementQuestionSchema, agreementSignatureSchema } from '../agreements/signature-model.js';
import { agreementVersionSchema } from '../agreements/version-model.js';
import { parentLinkSchema } from '../parents/link-model.js';
import { linkTokenSchema, tokenUseSchema } from '../parents/token-model.js';
import { consentRecordSchema } from '../parents/consent-model.js';
import { parentSendSchema } from '../parents/send-model.js';
import { webSecretSchema } from '../web/shared/secret-model.js';
import { classroomAssignmentSchema, classroomRosterSchema } from '../google/classroom/models.js';
import { detectionEventSchema, detectionSchema } from '../monitoring/models/detection-model.js';
import { checkpointSchema } from '../monitoring/connectors/checkpoint-model.js';
import { streamLockSchema } from '../monitoring/connectors/stream-lock.js';
import { monitoringChangeSchema } from '../monitoring/models/change-model.js';
import { suppressionSchema } from '../monitoring/models/suppression-model.js';
import { directorySyncRunSchema } from '../directory/sync-run-model.js';
import { watchChannelSchema } from '../google/reports/watch-model.js';
import { dashboardSessionSchema } from '../dashboard/session-model.js';

/** Compiles every collection's model on one connection; each capability adds its schema here. */
export function createModels(conn: Connection) {
  return {
    people: conn.model('Person', personSchema, 'people'),
    jobs: conn.model('Job', jobSchema, 'jobs'),
    jobFences: conn.model('JobFence', jobFenceSchema, 'job_fences'),
    jobSchedules: conn.model('JobSchedule', scheduleSchema, 'job_schedules'),
    conversationRefs: conn.model('ConversationRef', conversationRefSchema, 'conversation_refs'),
    digestSends: conn.model('DigestSend', digestSendSchema, 'digest_sends'),
    digestSendAttempts: conn.model('DigestSendAttempt', digestSendAttemptSchema, 'digest_send_attempts'),
    cases: conn.model('Case', caseSchema, 'cases'),
    caseNumbers: conn.model('CaseNumber', caseNumberSchema, 'case_numbers'),
    caseTimeline: conn.model('CaseTimelineEntry', timelineSchema, 'case_timeline'),
    caseAccessLog: conn.model('CaseAccess', accessLogSchema, 'case_access_log'),
    caseIntake: conn.model('CaseIntake', caseIntakeSchema, 'case_intake'),
    caseBoard: conn.model('CaseBoardRow', boardSchema, 'case_board'),
    agreementVersions: conn.model('AgreementVersion', agreementVersionSchema, 'agreement_versions'),
    agreementCampaigns: conn.model('AgreementCampaign', agreementCampaignSchema, 'agreement_campaigns'),
    agreementSends: conn.model('AgreementSend', agreementSendSchema, 'agreement_sends'),
    agreementSendClaims: conn.model('AgreementSendClaim', agreementSendClaimSchema, 'agreement_send_claims'),
    agreementSendResults: conn.model('AgreementSendResult', agreementSendResultSchema, 'agreement_send_results'),
    agreementSignatures: conn.model('AgreementSignature', agreementSignatureSchema, 'agreement_signatures'),
    agreementChainHeads: conn.model('AgreementChainHead', agreementChainHeadSchema, 'agreement_chain_heads'),
    agreementQuestions: conn.model('AgreementQuestion', agreementQuestionSchema, 'agreement_questions'),
    agreementAuditAnswers: conn.model('AgreementAuditAnswer', agreementAuditAnswerSchema, 'agreement_audit_answers'),
    parentLinks: conn.model('ParentLink', parentLinkSchema, 'parent_links'),
    parentLinkTokens: conn.model('ParentLinkToken', linkTokenSchema, 'parent_link_tokens'),
    parentTokenUses: conn.model('ParentTokenUse', tokenUseSchema, 'parent_token_uses'),
    parentConsents: conn.model('ParentConsent', consentRecordSchema, 'parent_consents'),
    parentSends: conn.model('ParentSend', parentSendSchema, 'parent_sends'),
    webSecrets: conn.model('WebSecret', webSecretSchema, 'web_secrets'),
    classroomAssignments: conn.model('ClassroomAssignment', classroomAssignmentSchema, 'classroom_assignments'),
    classroomRosters: conn.model('ClassroomRoster', classroomRosterSchema, 'classroom_rosters'),
    detections: conn.model('Detection', detectionSchema, 'detections'),
    detectionEvents: conn.model('DetectionEvent', detectionEventSchema, 'detection_events'),
    monitorCheckpoints: conn.model('MonitorCheckpoint', checkpointSchema, 'monitor_checkpoints'),
    monitorStreamLocks: conn.model('MonitorStreamLock', streamLockSchema, 'monitor_stream_locks'),
    suppressions: conn.model('Suppression', suppressionSchema, 'suppressions'),
    monitoringChanges: conn.model('MonitoringChange', monitoringChangeSchema, 'monitoring_changes'),
    directorySyncRuns: conn.model('DirectorySyncRun', directorySyncRunSchema, 'directory_sync_runs'),
    googleWatchChannels: conn.model('GoogleWatchChannel', watchChannelSchema, 'google_watch_channels'),
    dashboardSessions: conn.model('DashboardSession', dashboardSessionSchema, 'dashboard_sessions'),
  };
}

/** The compiled models of one connection. */
export type Models = ReturnType<typeof createModels>;

/** Creates the indexes every model declares (unique keys carry idempotency, so this runs before use). */
export async function ensureIndexes(models: Models): Promise<void> {
  for (const model of Object.values(models)) await model.createIndexes();
}
