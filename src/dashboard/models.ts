import type { Connection } from 'mongoose';
import { dashboardSessionSchema } from './session-model.js';

/** Compiles the collections of DSL dashboard sessions on one connection. */
export function createDashboardModels(conn: Connection) {
  return {
    dashboardSessions: conn.model('DashboardSession', dashboardSessionSchema, 'dashboard_sessions'),
  };
}

/** The models createDashboardModels compiles: what this capability stores. */
export type DashboardModels = ReturnType<typeof createDashboardModels>;
