import { ExternalError, UserError } from '../../bake/errors.js';
import type { AwsEndpoint } from './endpoint.js';
import type { AwsRequest } from './requests.js';

type Client = { send(command: unknown): Promise<Record<string, unknown>> };
type Module = Record<string, unknown>;

const MODULES: Record<AwsRequest['service'], { module: string; client: string }> = {
  ec2: { module: '@aws-sdk/client-ec2', client: 'EC2Client' },
  elbv2: { module: '@aws-sdk/client-elastic-load-balancing-v2', client: 'ElasticLoadBalancingV2Client' },
  ssm: { module: '@aws-sdk/client-ssm', client: 'SSMClient' },
  sts: { module: '@aws-sdk/client-sts', client: 'STSClient' },
  ecr: { module: '@aws-sdk/client-ecr', client: 'ECRClient' },
  s3: { module: '@aws-sdk/client-s3', client: 'S3Client' },
};

// The SDK retries throttling and transient failures with exponential backoff and jitter, this many times in all.
export const MAX_ATTEMPTS = Number(process.env.KILN_AWS_MAX_ATTEMPTS ?? 6);
const THROTTLED = /Throttl|RequestLimitExceeded|TooManyRequests|SlowDown|RequestThrottled/;

/**
 * Sends AwsRequest values through the SDK v3. Credentials and region come from the SDK's default chain;
 * emulators get static test credentials when none are set. In plan mode nothing is sent: calls are recorded.
 */
export class AwsApi {
  private readonly clients = new Map<string, Client>();
  private readonly modules = new Map<string, Module>();
  readonly sent: AwsRequest[] = [];

  constructor(readonly endpoint: AwsEndpoint, private readonly settings: { maxAttempts?: number } = {}) {}

  async send<T = Record<string, unknown>>(request: AwsRequest): Promise<T> {
    const module = await this.module(request.service);
    const Command = module[`${request.action}Command`] as (new (input: unknown) => unknown) | undefined;
    if (!Command) throw new Error(`no ${request.action}Command in ${MODULES[request.service].module}`);
    const client = await this.client(request.service);
    this.sent.push(request);
    try {
      return (await client.send(new Command(request.input))) as T;
    } catch (error) {
      throw this.explain(error, request);
    }
  }

  /** A URL that GETs one S3 object without credentials until it expires: how a builder fetches its staged bundle. */
  async presignGet(bucket: string, key: string, seconds: number): Promise<string> {
    const { getSignedUrl } = await import('@aws-sdk/s3-request-presigner');
    const GetObject = (await this.module('s3')).GetObjectCommand as new (input: unknown) => never;
    return getSignedUrl((await this.client('s3')) as never, new GetObject({ Bucket: bucket, Key: key }), { expiresIn: seconds });
  }

  /** The region the SDK settled on (from kiln.yaml, the environment, or the profile). */
  async region(): Promise<string> {
    const client = (await this.client('sts')) as unknown as { config: { region: () => Promise<string> } };
    return client.config.region();
  }

  /** The error's AWS code (e.g. InvalidInstanceID.NotFound), for callers that expect some failures. */
  static code(error: unknown): string | undefined {
    const cause = (error as { cause?: { name?: string; Code?: string } }).cause;
    return cause?.Code ?? cause?.name;
  }

  private explain(error: unknown, request: AwsRequest): Error {
    const { endpoint, target } = this.endpoint;
    const err = error as { name?: string; message?: string; code?: string; $metadata?: { httpStatusCode?: number } };
    const where = endpoint ?? `AWS (${this.endpoint.region ?? 'the profile\'s region'})`;
    const attempts = (error as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1;
    if (THROTTLED.test(`${err.name} ${err.message}`)) {
      return new UserError(`${where} is throttling kiln (${request.service}.${request.action}: ${err.name}), still after ${attempts} attempts with backoff`, 'wait a minute and run the command again (it resumes); set KILN_AWS_MAX_ATTEMPTS to retry longer', { cause: error });
    }
    if (err.name === 'Error' && /Region is missing/.test(String(err.message))) {
      return new UserError('no AWS region: neither kiln.yaml nor the environment names one', 'set aws.region in kiln.yaml, or AWS_REGION, or a region in your AWS profile', { cause: error });
    }
    if (!endpoint && /ENOTFOUND|getaddrinfo/.test(String(err.message))) {
      return new UserError(`no AWS endpoint answers for region ${this.endpoint.region ?? '(from the profile)'} (${request.service}.${request.action}: ${err.message})`, 'check that the region name is right (aws.region, AWS_REGION) and that this machine can reach AWS', { cause: error });
    }
    if (err.code === 'ECONNREFUSED' || /ECONNREFUSED|connect ECONN|getaddrinfo/.test(String(err.message))) {
      return new UserError(`${target} is not answering at ${where} (${request.service}.${request.action})`, target === 'aws' ? 'check your network and AWS_ENDPOINT_URL' : 'start it with `bash scripts/start-emulators.sh`', { cause: error });
    }
    if (err.name === 'CredentialsProviderError' || /Could not load credentials/.test(String(err.message))) {
      return new UserError('no AWS credentials found', 'set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run `aws configure`', { cause: error });
    }
    return new ExternalError(`${request.service}.${request.action} failed at ${where}: ${err.name ?? 'Error'}: ${err.message}`, `${request.service}.${request.action}`, { cause: error });
  }

  private async module(service: AwsRequest['service']): Promise<Module> {
    if (!this.modules.has(service)) this.modules.set(service, (await import(MODULES[service].module)) as Module);
    return this.modules.get(service)!;
  }

  private async client(service: AwsRequest['service']): Promise<Client> {
    if (this.clients.has(service)) return this.clients.get(service)!;
    const module = await this.module(service);
    const ClientClass = module[MODULES[service].client] as new (config: unknown) => Client;
    const staticTest = this.endpoint.emulated && !process.env.AWS_ACCESS_KEY_ID && !process.env.AWS_PROFILE;
    const client = new ClientClass({
      ...(this.endpoint.region ? { region: this.endpoint.region } : {}),
      ...(this.endpoint.endpoint ? { endpoint: this.endpoint.endpoint } : {}),
      ...(staticTest ? { credentials: { accessKeyId: 'test', secretAccessKey: 'test' } } : {}),
      // Emulators answer every request; their S3 is reached by path, as they serve no bucket subdomains.
      ...(this.endpoint.emulated && service === 's3' ? { forcePathStyle: true } : {}),
      maxAttempts: this.settings.maxAttempts ?? MAX_ATTEMPTS,
      // Adaptive mode also slows kiln's own request rate once AWS starts throttling it.
      retryMode: this.endpoint.emulated ? 'standard' : 'adaptive',
    });
    this.clients.set(service, client);
    return client;
  }
}
