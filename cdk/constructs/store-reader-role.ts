import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledgeNagFinding, wildcardResourceFindings } from '../nag.js';
import { type PermissionContext, storeReaderGrants } from './function-permissions.js';

export interface StoreReaderRoleProps {
  /** The only principal that may assume it: reconcile-cluster's execution role. */
  reconcileRole: iam.IRole;
  permissions: Omit<PermissionContext, 'storeReaderRoleArn'>;
}

/**
 * The identity of every provider read a tenant's ExternalSecret can cause (stores in this account
 * that name no role of their own). It is a role apart from reconcile-cluster's because that role
 * must read the control plane's own secrets (store credentials, cluster tokens, the HMAC key), and
 * IAM cannot tell within one role which reads a tenant asked for. Here an explicit Deny keeps all
 * of them out, whatever a store's accessPolicy allows.
 */
export class StoreReaderRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, { reconcileRole, permissions }: StoreReaderRoleProps) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', {
      description:
        'fleet-secrets: reads store secrets for reconcile-cluster; denied the control plane secrets',
      assumedBy: new iam.ArnPrincipal(reconcileRole.roleArn),
    });
    for (const { statement, wildcardReason } of storeReaderGrants(permissions)) {
      // cdk-nag flags wildcards only in what a statement allows.
      const findings = statement.effect === iam.Effect.DENY ? [] : wildcardResourceFindings(this, statement);
      for (const finding of findings) {
        acknowledgeNagFinding(this.role, finding, wildcardReason ?? '');
      }
      this.role.addToPrincipalPolicy(statement);
    }
  }
}
