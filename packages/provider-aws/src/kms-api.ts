import {
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  GetPublicKeyCommand,
  KMSClient,
  ListAliasesCommand,
  ListKeysCommand,
  ListResourceTagsCommand,
  ScheduleKeyDeletionCommand,
  SignCommand,
  type CreateAliasCommandInput,
  type CreateAliasCommandOutput,
  type CreateKeyCommandInput,
  type CreateKeyCommandOutput,
  type DescribeKeyCommandInput,
  type DescribeKeyCommandOutput,
  type GetPublicKeyCommandInput,
  type GetPublicKeyCommandOutput,
  type ListAliasesCommandInput,
  type ListAliasesCommandOutput,
  type ListKeysCommandInput,
  type ListKeysCommandOutput,
  type ListResourceTagsCommandInput,
  type ListResourceTagsCommandOutput,
  type ScheduleKeyDeletionCommandInput,
  type ScheduleKeyDeletionCommandOutput,
  type SignCommandInput,
  type SignCommandOutput,
} from '@aws-sdk/client-kms';
import type { AwsKmsProviderOptions } from './options.js';

/** Per-call options passed to the SDK: the caller's signal cancels the HTTP request. */
export interface SendOptions {
  abortSignal?: AbortSignal;
}

/** The KMS operations the provider uses. The only module that loads the AWS SDK builds it. */
export interface KmsApi {
  sign(input: SignCommandInput, options: SendOptions): Promise<SignCommandOutput>;
  getPublicKey(input: GetPublicKeyCommandInput, options: SendOptions): Promise<GetPublicKeyCommandOutput>;
  describeKey(input: DescribeKeyCommandInput, options: SendOptions): Promise<DescribeKeyCommandOutput>;
  listKeys(input: ListKeysCommandInput, options: SendOptions): Promise<ListKeysCommandOutput>;
  listAliases(input: ListAliasesCommandInput, options: SendOptions): Promise<ListAliasesCommandOutput>;
  listResourceTags(input: ListResourceTagsCommandInput, options: SendOptions): Promise<ListResourceTagsCommandOutput>;
  createKey(input: CreateKeyCommandInput, options: SendOptions): Promise<CreateKeyCommandOutput>;
  createAlias(input: CreateAliasCommandInput, options: SendOptions): Promise<CreateAliasCommandOutput>;
  scheduleKeyDeletion(
    input: ScheduleKeyDeletionCommandInput,
    options: SendOptions,
  ): Promise<ScheduleKeyDeletionCommandOutput>;
  /** Closes sockets of a client the provider created; a no-op for an injected one. */
  destroy(): void;
}

/** The part of a `KMSClient` the provider needs, so callers may inject their own client. */
export type KmsClientLike = Pick<KMSClient, 'send'>;

/**
 * Wraps `client`, or a `KMSClient` created for `region` from the options. A created client makes
 * one attempt per call (`maxAttempts: 1`): the provider retries with its own backoff, so the
 * SDK's three attempts would otherwise multiply ours into fifteen and ignore the abort signal
 * between them.
 */
export function createKmsApi(options: AwsKmsProviderOptions, region: string | undefined): KmsApi {
  const owned = !options.client;
  const client: KmsClientLike =
    options.client ??
    new KMSClient({
      ...(region ? { region } : {}),
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
      ...(options.profile ? { profile: options.profile } : {}),
      maxAttempts: 1,
      requestHandler: {
        connectionTimeout: options.connectTimeoutMs ?? 5_000,
        requestTimeout: options.requestTimeoutMs ?? 10_000,
        throwOnRequestTimeout: true,
      },
    });
  return {
    sign: (input, o) => client.send(new SignCommand(input), o),
    getPublicKey: (input, o) => client.send(new GetPublicKeyCommand(input), o),
    describeKey: (input, o) => client.send(new DescribeKeyCommand(input), o),
    listKeys: (input, o) => client.send(new ListKeysCommand(input), o),
    listAliases: (input, o) => client.send(new ListAliasesCommand(input), o),
    listResourceTags: (input, o) => client.send(new ListResourceTagsCommand(input), o),
    createKey: (input, o) => client.send(new CreateKeyCommand(input), o),
    createAlias: (input, o) => client.send(new CreateAliasCommand(input), o),
    scheduleKeyDeletion: (input, o) => client.send(new ScheduleKeyDeletionCommand(input), o),
    destroy: () => {
      if (owned) (client as KMSClient).destroy();
    },
  };
}
