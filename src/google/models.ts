import type { Connection } from 'mongoose';
import { classroomAssignmentSchema, classroomRosterSchema } from './classroom/models.js';
import { watchChannelSchema } from './reports/watch-model.js';

/** Compiles the collections of Google Classroom assignments and rosters, and Reports API push channels on one connection. */
export function createGoogleModels(conn: Connection) {
  return {
    classroomAssignments: conn.model('ClassroomAssignment', classroomAssignmentSchema, 'classroom_assignments'),
    classroomRosters: conn.model('ClassroomRoster', classroomRosterSchema, 'classroom_rosters'),
    googleWatchChannels: conn.model('GoogleWatchChannel', watchChannelSchema, 'google_watch_channels'),
  };
}

/** The models createGoogleModels compiles: what this capability stores. */
export type GoogleModels = ReturnType<typeof createGoogleModels>;
