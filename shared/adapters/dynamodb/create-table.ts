/**
 * Creates the state table for tests and dev mode, with exactly the design the CDK construct
 * deploys (both read table-design.ts).
 */
import {
  CreateTableCommand,
  DeleteTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { STATE_TABLE_DESIGN, STATE_TABLE_KEY_ATTRIBUTES } from './table-design.js';

/** Creates the table (a no-op when it exists) and enables TTL; resolves once it is ACTIVE. */
export async function createStateTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const d = STATE_TABLE_DESIGN;
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: d.billingMode,
        AttributeDefinitions: STATE_TABLE_KEY_ATTRIBUTES.map((a) => ({
          AttributeName: a.name,
          AttributeType: a.type,
        })),
        KeySchema: [
          { AttributeName: d.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: d.sortKey.name, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: d.dueIndex.indexName,
            KeySchema: [
              { AttributeName: d.dueIndex.partitionKey.name, KeyType: 'HASH' },
              { AttributeName: d.dueIndex.sortKey.name, KeyType: 'RANGE' },
            ],
            Projection: {
              ProjectionType: d.dueIndex.projectionType,
              NonKeyAttributes: [...d.dueIndex.nonKeyAttributes],
            },
          },
        ],
      }),
    );
  } catch (err) {
    if (!(err instanceof ResourceInUseException)) throw err;
  }
  await waitUntilTableExists({ client, maxWaitTime: 60 }, { TableName: tableName });
  await client
    .send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: d.timeToLiveAttribute, Enabled: true },
      }),
    )
    .catch((err: unknown) => {
      // Enabling TTL twice is refused with "TimeToLive is already enabled": the state we want.
      if (!(err instanceof Error && /already enabled/i.test(err.message))) throw err;
    });
}

/** Deletes the table; a missing table is fine. */
export async function deleteStateTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new DeleteTableCommand({ TableName: tableName }));
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException)) throw err;
  }
}
