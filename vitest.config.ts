import { defineConfig } from 'vitest/config';

// Two projects: `unit` is pure and fast; `integration` talks to the real peers that the global
// setup starts once per run (etcd + kube-apiservers, moto, DynamoDB Local, Vault).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['**/*.test.ts'],
          exclude: ['**/*.int.test.ts', 'node_modules/**', 'cdk.out/**', 'dist/**'],
          environment: 'node',
          // Unit suites run first (group 0): a broken pure rule fails fast, before peers start.
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['**/*.int.test.ts'],
          exclude: ['node_modules/**', 'cdk.out/**', 'dist/**'],
          environment: 'node',
          globalSetup: ['infra-tests/peers/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // Files share one set of peers; two forks on two cores keeps apiservers responsive.
          pool: 'forks',
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
