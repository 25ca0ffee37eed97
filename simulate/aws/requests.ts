/**
 * Every AWS call kiln makes is first built as one of these plain values, then sent. Tests compare
 * them exactly, and `kiln release --plan` prints them without sending anything.
 */
export interface AwsRequest {
  service: 'ec2' | 'elbv2' | 'ssm' | 'sts' | 'ecr' | 's3';
  action: string;
  input: Record<string, unknown>;
  /** Whether kiln can undo the call's effect. */
  reversible: boolean;
  /** What undoing it (rollback, cleanup) would do. */
  undo?: string;
}

const tags = (pairs: Record<string, string>) => Object.entries(pairs).map(([Key, Value]) => ({ Key, Value }));

export const ec2 = {
  describeRegions: (): AwsRequest => ({ service: 'ec2', action: 'DescribeRegions', reversible: true, input: {} }),
  findImagesByDigest: (recipeDigest: string): AwsRequest => ({
    service: 'ec2', action: 'DescribeImages', reversible: true,
    input: { Owners: ['self'], Filters: [{ Name: 'tag:kiln:recipe-digest', Values: [recipeDigest] }, { Name: 'state', Values: ['available'] }] },
  }),
  describeImage: (imageId: string): AwsRequest => ({ service: 'ec2', action: 'DescribeImages', reversible: true, input: { ImageIds: [imageId] } }),
  runInstance: (options: { imageId: string; instanceType: string; userData: string; subnetId?: string; clientToken?: string; tags: Record<string, string>; instanceProfile?: string; securityGroups?: readonly string[] }): AwsRequest => ({
    service: 'ec2', action: 'RunInstances', reversible: true, undo: 'TerminateInstances',
    input: {
      ImageId: options.imageId, InstanceType: options.instanceType, MinCount: 1, MaxCount: 1,
      UserData: Buffer.from(options.userData).toString('base64'),
      ...(options.clientToken ? { ClientToken: options.clientToken } : {}),
      ...(options.subnetId ? { SubnetId: options.subnetId } : {}),
      // The instance's role: SSM Run Command (image tests) and SecureString reads at boot need one.
      ...(options.instanceProfile ? { IamInstanceProfile: { Name: options.instanceProfile } } : {}),
      ...(options.securityGroups?.length ? { SecurityGroupIds: [...options.securityGroups] } : {}),
      TagSpecifications: [{ ResourceType: 'instance', Tags: tags(options.tags) }],
    },
  }),
  describeInstance: (instanceId: string): AwsRequest => ({ service: 'ec2', action: 'DescribeInstances', reversible: true, input: { InstanceIds: [instanceId] } }),
  /** Instances still alive (not terminated) that match every filter, e.g. { 'tag:kiln:env': 'prod', 'image-id': 'ami-…' }. */
  describeLiveInstances: (filters: Record<string, string>): AwsRequest => ({
    service: 'ec2', action: 'DescribeInstances', reversible: true,
    input: { Filters: [...Object.entries(filters).map(([Name, value]) => ({ Name, Values: [value] })), { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] }] },
  }),
  /** Live instances carrying every one of these tags. */
  describeTaggedInstances: (tagged: Record<string, string>): AwsRequest => ec2.describeLiveInstances(Object.fromEntries(Object.entries(tagged).map(([key, value]) => [`tag:${key}`, value]))),
  // Latest (the newest 64 KB, as it is now) exists only on Nitro instances; elsewhere the buffered output is all there is.
  consoleOutput: (instanceId: string, latest = true): AwsRequest => ({ service: 'ec2', action: 'GetConsoleOutput', reversible: true, input: { InstanceId: instanceId, ...(latest ? { Latest: true } : {}) } }),
  stopInstance: (instanceId: string): AwsRequest => ({ service: 'ec2', action: 'StopInstances', reversible: true, undo: 'StartInstances', input: { InstanceIds: [instanceId] } }),
  createImage: (instanceId: string, name: string, imageTags: Record<string, string>): AwsRequest => ({
    service: 'ec2', action: 'CreateImage', reversible: true, undo: 'DeregisterImage and delete its snapshots',
    input: { InstanceId: instanceId, Name: name, TagSpecifications: [{ ResourceType: 'image', Tags: tags(imageTags) }] },
  }),
  registerImage: (name: string, imageTags: Record<string, string>): AwsRequest => ({
    service: 'ec2', action: 'RegisterImage', reversible: true, undo: 'DeregisterImage',
    input: { Name: name, Architecture: 'x86_64', RootDeviceName: '/dev/xvda', VirtualizationType: 'hvm', TagSpecifications: [{ ResourceType: 'image', Tags: tags(imageTags) }] },
  }),
  deleteSnapshot: (snapshotId: string): AwsRequest => ({ service: 'ec2', action: 'DeleteSnapshot', reversible: false, input: { SnapshotId: snapshotId } }),
  createTags: (resourceId: string, pairs: Record<string, string>): AwsRequest => ({ service: 'ec2', action: 'CreateTags', reversible: true, input: { Resources: [resourceId], Tags: tags(pairs) } }),
  findImagesTagged: (key: string, value: string): AwsRequest => ({ service: 'ec2', action: 'DescribeImages', reversible: true, input: { Owners: ['self'], Filters: [{ Name: `tag:${key}`, Values: [value] }] } }),
  deleteSubnet: (subnetId: string): AwsRequest => ({ service: 'ec2', action: 'DeleteSubnet', reversible: false, input: { SubnetId: subnetId } }),
  deleteVpc: (vpcId: string): AwsRequest => ({ service: 'ec2', action: 'DeleteVpc', reversible: false, input: { VpcId: vpcId } }),
  describeSubnetsById: (subnetIds: string[]): AwsRequest => ({ service: 'ec2', action: 'DescribeSubnets', reversible: true, input: { SubnetIds: subnetIds } }),
  deregisterImage: (imageId: string): AwsRequest => ({ service: 'ec2', action: 'DeregisterImage', reversible: false, input: { ImageId: imageId } }),
  terminateInstances: (instanceIds: string[]): AwsRequest => ({ service: 'ec2', action: 'TerminateInstances', reversible: false, input: { InstanceIds: instanceIds } }),
  createVpc: (name: string): AwsRequest => ({ service: 'ec2', action: 'CreateVpc', reversible: true, undo: 'DeleteVpc', input: { CidrBlock: '10.77.0.0/16', TagSpecifications: [{ ResourceType: 'vpc', Tags: tags({ Name: name, 'kiln:managed': 'true' }) }] } }),
  createSubnet: (vpcId: string, zone: string, cidr: string): AwsRequest => ({ service: 'ec2', action: 'CreateSubnet', reversible: true, undo: 'DeleteSubnet', input: { VpcId: vpcId, AvailabilityZone: zone, CidrBlock: cidr } }),
  describeVpcs: (name: string): AwsRequest => ({ service: 'ec2', action: 'DescribeVpcs', reversible: true, input: { Filters: [{ Name: 'tag:Name', Values: [name] }] } }),
  describeSubnets: (vpcId: string): AwsRequest => ({ service: 'ec2', action: 'DescribeSubnets', reversible: true, input: { Filters: [{ Name: 'vpc-id', Values: [vpcId] }] } }),
};

// A weighted forward: weight 0 keeps a target group on the listener, so the ALB health-checks it, without sending it traffic.
const forward = (groups: readonly { arn: string; weight: number }[]) => [{ Type: 'forward', ForwardConfig: { TargetGroups: groups.map(({ arn, weight }) => ({ TargetGroupArn: arn, Weight: weight })) } }];

export const elbv2 = {
  describeLoadBalancer: (name: string): AwsRequest => ({ service: 'elbv2', action: 'DescribeLoadBalancers', reversible: true, input: { Names: [name] } }),
  // owner: kiln:project and kiln:env, so kiln destroy finds the ALB even if the journal never heard of it.
  createLoadBalancer: (name: string, subnets: string[], securityGroups: readonly string[], owner: Record<string, string>): AwsRequest => ({
    service: 'elbv2', action: 'CreateLoadBalancer', reversible: true, undo: 'DeleteLoadBalancer',
    input: { Name: name, Type: 'application', Scheme: 'internet-facing', Subnets: subnets, ...(securityGroups.length ? { SecurityGroups: [...securityGroups] } : {}), Tags: tags({ 'kiln:managed': 'true', ...owner }) },
  }),
  // AWS wants the check's timeout below its interval (its HTTP default, 6 s, is not below 5 s).
  createTargetGroup: (name: string, vpcId: string, port: number, healthPath: string, owner: Record<string, string>): AwsRequest => ({
    service: 'elbv2', action: 'CreateTargetGroup', reversible: true, undo: 'DeleteTargetGroup',
    input: {
      Name: name, Protocol: 'HTTP', Port: port, VpcId: vpcId, TargetType: 'instance', HealthCheckPath: healthPath,
      HealthCheckIntervalSeconds: 5, HealthCheckTimeoutSeconds: 4, HealthyThresholdCount: 2, UnhealthyThresholdCount: 2, Tags: tags({ 'kiln:managed': 'true', ...owner }),
    },
  }),
  // A leaving target finishes its requests for release.grace seconds, not AWS's default 300.
  setDeregistrationDelay: (targetGroupArn: string, seconds: number): AwsRequest => ({
    service: 'elbv2', action: 'ModifyTargetGroupAttributes', reversible: true,
    input: { TargetGroupArn: targetGroupArn, Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: String(seconds) }] },
  }),
  describeTargetGroups: (names: string[]): AwsRequest => ({ service: 'elbv2', action: 'DescribeTargetGroups', reversible: true, input: { Names: names } }),
  /** One page of every target group in the region (kiln destroy reads their tags). */
  listTargetGroups: (marker?: string): AwsRequest => ({ service: 'elbv2', action: 'DescribeTargetGroups', reversible: true, input: marker ? { Marker: marker } : {} }),
  describeTags: (resourceArns: string[]): AwsRequest => ({ service: 'elbv2', action: 'DescribeTags', reversible: true, input: { ResourceArns: resourceArns } }),
  registerTargets: (targetGroupArn: string, instanceIds: string[]): AwsRequest => ({
    service: 'elbv2', action: 'RegisterTargets', reversible: true, undo: 'DeregisterTargets',
    input: { TargetGroupArn: targetGroupArn, Targets: instanceIds.map((Id) => ({ Id })) },
  }),
  deregisterTargets: (targetGroupArn: string, instanceIds: string[]): AwsRequest => ({
    service: 'elbv2', action: 'DeregisterTargets', reversible: true, undo: 'RegisterTargets',
    input: { TargetGroupArn: targetGroupArn, Targets: instanceIds.map((Id) => ({ Id })) },
  }),
  describeTargetHealth: (targetGroupArn: string): AwsRequest => ({ service: 'elbv2', action: 'DescribeTargetHealth', reversible: true, input: { TargetGroupArn: targetGroupArn } }),
  createListener: (loadBalancerArn: string, groups: readonly { arn: string; weight: number }[]): AwsRequest => ({
    service: 'elbv2', action: 'CreateListener', reversible: true, undo: 'DeleteListener',
    input: { LoadBalancerArn: loadBalancerArn, Protocol: 'HTTP', Port: 80, DefaultActions: forward(groups) },
  }),
  describeListeners: (loadBalancerArn: string): AwsRequest => ({ service: 'elbv2', action: 'DescribeListeners', reversible: true, input: { LoadBalancerArn: loadBalancerArn } }),
  modifyListener: (listenerArn: string, groups: readonly { arn: string; weight: number }[]): AwsRequest => ({
    service: 'elbv2', action: 'ModifyListener', reversible: true, undo: 'ModifyListener back to the previous weights',
    input: { ListenerArn: listenerArn, DefaultActions: forward(groups) },
  }),
  deleteListener: (listenerArn: string): AwsRequest => ({ service: 'elbv2', action: 'DeleteListener', reversible: false, input: { ListenerArn: listenerArn } }),
  deleteLoadBalancer: (loadBalancerArn: string): AwsRequest => ({ service: 'elbv2', action: 'DeleteLoadBalancer', reversible: false, input: { LoadBalancerArn: loadBalancerArn } }),
  deleteTargetGroup: (targetGroupArn: string): AwsRequest => ({ service: 'elbv2', action: 'DeleteTargetGroup', reversible: false, input: { TargetGroupArn: targetGroupArn } }),
};

export const ssm = {
  getParameter: (name: string): AwsRequest => ({ service: 'ssm', action: 'GetParameter', reversible: true, input: { Name: name } }),
  getSecureParameter: (name: string): AwsRequest => ({ service: 'ssm', action: 'GetParameter', reversible: true, input: { Name: name, WithDecryption: true } }),
  describeInstanceInformation: (instanceId: string): AwsRequest => ({
    service: 'ssm', action: 'DescribeInstanceInformation', reversible: true,
    input: { Filters: [{ Key: 'InstanceIds', Values: [instanceId] }] },
  }),
  // Image tests only: whatever the script did goes with the instance, which a failed release terminates.
  sendCommand: (instanceId: string, command: string, options: { timeoutSeconds: number; comment: string }): AwsRequest => ({
    service: 'ssm', action: 'SendCommand', reversible: true, undo: 'none: the instance it ran on is terminated if the release fails',
    input: {
      InstanceIds: [instanceId], DocumentName: 'AWS-RunShellScript', Comment: options.comment.slice(0, 100),
      // TimeoutSeconds bounds delivery (30 s at least); executionTimeout bounds the script itself.
      TimeoutSeconds: Math.max(30, Math.ceil(options.timeoutSeconds)),
      Parameters: { commands: [command], executionTimeout: [String(Math.max(1, Math.ceil(options.timeoutSeconds)))] },
    },
  }),
  getCommandInvocation: (commandId: string, instanceId: string): AwsRequest => ({
    service: 'ssm', action: 'GetCommandInvocation', reversible: true, input: { CommandId: commandId, InstanceId: instanceId },
  }),
  // Sent when kiln stops waiting for a command (gave up, or the release was aborted), so it does not run on unwatched.
  cancelCommand: (commandId: string, instanceId: string): AwsRequest => ({
    service: 'ssm', action: 'CancelCommand', reversible: false, input: { CommandId: commandId, InstanceIds: [instanceId] },
  }),
};

export const sts = {
  whoami: (): AwsRequest => ({ service: 'sts', action: 'GetCallerIdentity', reversible: true, input: {} }),
};

export const s3 = {
  // ExpectedBucketOwner: a bucket of that name in someone else's account is refused, never written to.
  headBucket: (bucket: string, owner?: string): AwsRequest => ({ service: 's3', action: 'HeadBucket', reversible: true, input: { Bucket: bucket, ...(owner ? { ExpectedBucketOwner: owner } : {}) } }),
  createBucket: (bucket: string, region: string | undefined): AwsRequest => ({
    service: 's3', action: 'CreateBucket', reversible: true, undo: 'DeleteBucket',
    // us-east-1 is the one region that refuses to be named as a location constraint.
    input: { Bucket: bucket, ...(region && region !== 'us-east-1' ? { CreateBucketConfiguration: { LocationConstraint: region } } : {}) },
  }),
  expireStaged: (bucket: string, prefix: string): AwsRequest => ({
    service: 's3', action: 'PutBucketLifecycleConfiguration', reversible: true,
    input: { Bucket: bucket, LifecycleConfiguration: { Rules: [{ ID: 'kiln-staged-inputs-expire', Status: 'Enabled', Filter: { Prefix: prefix }, Expiration: { Days: 1 } }] } },
  }),
  putObject: (bucket: string, key: string, body: Buffer, sha256: string, owner?: string): AwsRequest => ({
    service: 's3', action: 'PutObject', reversible: true, undo: 'DeleteObject',
    input: { Bucket: bucket, Key: key, Body: body, ContentType: 'application/gzip', Metadata: { 'kiln-sha256': sha256 }, Tagging: 'kiln:managed=true', ...(owner ? { ExpectedBucketOwner: owner } : {}) },
  }),
  deleteObject: (bucket: string, key: string): AwsRequest => ({ service: 's3', action: 'DeleteObject', reversible: false, input: { Bucket: bucket, Key: key } }),
};

export const ecr = {
  describeRepository: (name: string): AwsRequest => ({ service: 'ecr', action: 'DescribeRepositories', reversible: true, input: { repositoryNames: [name] } }),
  createRepository: (name: string): AwsRequest => ({ service: 'ecr', action: 'CreateRepository', reversible: true, undo: 'DeleteRepository', input: { repositoryName: name, tags: tags({ 'kiln:managed': 'true' }) } }),
  authorizationToken: (): AwsRequest => ({ service: 'ecr', action: 'GetAuthorizationToken', reversible: true, input: {} }),
  putImage: (repositoryName: string, manifest: string, tag: string, digest: string): AwsRequest => ({
    service: 'ecr', action: 'PutImage', reversible: true, undo: 'BatchDeleteImage', input: { repositoryName, imageManifest: manifest, imageTag: tag, imageDigest: digest },
  }),
};
