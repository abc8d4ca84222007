import type { Connection } from 'mongoose';
import { detectionEventSchema, detectionSchema } from './detection-model.js';
import { checkpointSchema } from '../connectors/checkpoint-model.js';
import { streamLockSchema } from '../connectors/stream-lock.js';
import { suppressionSchema } from './suppression-model.js';
import { monitoringChangeSchema } from './change-model.js';

/** Compiles the collections of detections, connector checkpoints and locks, suppressions and the settings change log on one connection. */
export function createMonitoringModels(conn: Connection) {
  return {
    detections: conn.model('Detection', detectionSchema, 'detections'),
    detectionEvents: conn.model('DetectionEvent', detectionEventSchema, 'detection_events'),
    monitorCheckpoints: conn.model('MonitorCheckpoint', checkpointSchema, 'monitor_checkpoints'),
    monitorStreamLocks: conn.model('MonitorStreamLock', streamLockSchema, 'monitor_stream_locks'),
    suppressions: conn.model('Suppression', suppressionSchema, 'suppressions'),
    monitoringChanges: conn.model('MonitoringChange', monitoringChangeSchema, 'monitoring_changes'),
  };
}

/** The models createMonitoringModels compiles: what this capability stores. */
export type MonitoringModels = ReturnType<typeof createMonitoringModels>;
