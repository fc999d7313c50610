export { AssumedRoleCredentialCache, type AssumeRoleParams } from './assumed-role-credentials.js';
export { AssumeRoleFailedError } from './errors.js';
export { ROLE_SESSION_NAME_MAX, roleSessionName } from './role-session-name.js';
