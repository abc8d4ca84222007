import type { Connection } from 'mongoose';
import { detectionEventSchema, detectionSchema } from './detection-model.js';
import { checkpointSchema } from '../connectors/checkpoint-model.js';
import { streamLockSchema } from '../connectors/stream-lock.js';
import { suppressionSchema } from './suppression-model.js';
import { monitoringChangeSchema } from './change-model.js';
import { inventoryFixApprovalSchema, inventoryFixSchema, inventoryItemSchema, inventoryRunSchema, inventoryUnitSchema } from './inventory-model.js';

/** Compiles the collections of detections, connector checkpoints and locks, suppressions, the settings change log and the exposure inventory on one connection. */
export function createMonitoringModels(conn: Connection) {
  return {
    detections: conn.model('Detection', detectionSchema, 'detections'),
    detectionEvents: conn.model('DetectionEvent', detectionEventSchema, 'detection_events'),
    monitorCheckpoints: conn.model('MonitorCheckpoint', checkpointSchema, 'monitor_checkpoints'),
    monitorStreamLocks: conn.model('MonitorStreamLock', streamLockSchema, 'monitor_stream_locks'),
    suppressions: conn.model('Suppression', suppressionSchema, 'suppressions'),
    monitoringChanges: conn.model('MonitoringChange', monitoringChangeSchema, 'monitoring_changes'),
    inventoryRuns: conn.model('InventoryRun', inventoryRunSchema, 'inventory_runs'),
    inventoryUnits: conn.model('InventoryUnit', inventoryUnitSchema, 'inventory_units'),
    inventoryItems: conn.model('InventoryItem', inventoryItemSchema, 'inventory_items'),
    inventoryFixes: conn.model('InventoryFix', inventoryFixSchema, 'inventory_fixes'),
    inventoryFixApprovals: conn.model('InventoryFixApproval', inventoryFixApprovalSchema, 'inventory_fix_approvals'),
  };
}

/** The models createMonitoringModels compiles: what this capability stores. */
export type MonitoringModels = ReturnType<typeof createMonitoringModels>;
