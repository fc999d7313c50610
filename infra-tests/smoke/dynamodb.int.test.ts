import { randomBytes } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPeers } from '../helpers/peers.js';
import { dynamoDbLocalCredentials } from '../peers/dynamodb.js';

describe('DynamoDB Local (real server)', () => {
  let client: DynamoDBClient;
  const table = `smoke-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    const { dynamodb } = loadPeers();
    client = new DynamoDBClient({
      endpoint: dynamodb.url,
      region: dynamodb.region,
      credentials: dynamoDbLocalCredentials,
    });
    await client.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'cluster', AttributeType: 'S' },
        ],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'byCluster',
            KeySchema: [{ AttributeName: 'cluster', KeyType: 'HASH' }],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      }),
    );
  });

  afterAll(async () => {
    await client.send(new DeleteTableCommand({ TableName: table }));
    client.destroy();
  });

  it('should create a table whose global secondary index answers queries', async () => {
    const described = await client.send(new DescribeTableCommand({ TableName: table }));
    expect(described.Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual(['byCluster']);

    await client.send(
      new PutItemCommand({ TableName: table, Item: { pk: { S: 'binding-1' }, cluster: { S: 'cluster-1' } } }),
    );
    const byCluster = await client.send(
      new QueryCommand({
        TableName: table,
        IndexName: 'byCluster',
        KeyConditionExpression: '#cluster = :cluster',
        ExpressionAttributeNames: { '#cluster': 'cluster' },
        ExpressionAttributeValues: { ':cluster': { S: 'cluster-1' } },
      }),
    );
    expect(byCluster.Items?.map((item) => item.pk?.S)).toEqual(['binding-1']);
  });

  it('should reject a conditional put whose condition does not hold', async () => {
    const item = { pk: { S: 'lease' }, cluster: { S: 'cluster-2' } };
    const putIfAbsent = () =>
      client.send(
        new PutItemCommand({ TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
      );

    await putIfAbsent();
    await expect(putIfAbsent()).rejects.toBeInstanceOf(ConditionalCheckFailedException);
  });
});
