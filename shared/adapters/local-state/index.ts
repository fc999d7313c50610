export { StateFileCorruptError } from './errors.js';
export {
  LocalStateStore,
  type LocalStateStoreOptions,
  type OpenLocalStateStoreOptions,
} from './local-state-store.js';
