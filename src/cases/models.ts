import type { Connection } from 'mongoose';
import { caseIntakeSchema, caseNumberSchema, caseSchema } from './case-model.js';
import { accessLogSchema, timelineSchema } from './timeline-model.js';
import { boardSchema } from './board.js';
import { itMatterSchema } from './it-model.js';
import { breachNoticeSchema } from './breach-notice-model.js';

/** Compiles the collections of the DSL case record (cases, numbers, timeline, access log, intake, the open-case board), the DPO's breach emails and the IT queue on one connection. */
export function createCaseModels(conn: Connection) {
  return {
    cases: conn.model('Case', caseSchema, 'cases'),
    caseNumbers: conn.model('CaseNumber', caseNumberSchema, 'case_numbers'),
    caseTimeline: conn.model('CaseTimelineEntry', timelineSchema, 'case_timeline'),
    caseAccessLog: conn.model('CaseAccess', accessLogSchema, 'case_access_log'),
    caseIntake: conn.model('CaseIntake', caseIntakeSchema, 'case_intake'),
    caseBoard: conn.model('CaseBoardRow', boardSchema, 'case_board'),
    itMatters: conn.model('ItMatter', itMatterSchema, 'it_matters'),
    breachNotices: conn.model('BreachNotice', breachNoticeSchema, 'breach_notices'),
  };
}

/** The models createCaseModels compiles: what this capability stores. */
export type CaseModels = ReturnType<typeof createCaseModels>;
