import type { Connection } from 'mongoose';
import { caseIntakeSchema, caseNumberSchema, caseSchema } from './case-model.js';
import { accessLogSchema, timelineSchema } from './timeline-model.js';
import { boardSchema } from './board.js';

/** Compiles the collections of the DSL case record: cases, numbers, timeline, access log, intake and the open-case board on one connection. */
export function createCaseModels(conn: Connection) {
  return {
    cases: conn.model('Case', caseSchema, 'cases'),
    caseNumbers: conn.model('CaseNumber', caseNumberSchema, 'case_numbers'),
    caseTimeline: conn.model('CaseTimelineEntry', timelineSchema, 'case_timeline'),
    caseAccessLog: conn.model('CaseAccess', accessLogSchema, 'case_access_log'),
    caseIntake: conn.model('CaseIntake', caseIntakeSchema, 'case_intake'),
    caseBoard: conn.model('CaseBoardRow', boardSchema, 'case_board'),
  };
}

/** The models createCaseModels compiles: what this capability stores. */
export type CaseModels = ReturnType<typeof createCaseModels>;
