export { createStateTable, deleteStateTable } from './create-table.js';
export { DynamoDbStateStore, type DynamoDbStateStoreOptions } from './dynamodb-state-store.js';
export { MalformedStateItemError, StateTableNotFoundError } from './errors.js';
export {
  dueShardOf,
  type KeyAttribute,
  STATE_TABLE_DESIGN,
  STATE_TABLE_KEY_ATTRIBUTES,
} from './table-design.js';
