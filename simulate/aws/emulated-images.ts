/** LocalStack Pro's convention for an AMI backed by a Docker image; kiln follows it on every emulator. */
export function emulatedImageRef(name: string, amiId: string): string {
  return `localstack-ec2/${name}:${amiId}`;
}

/** LocalStack Pro's convention for an instance's container. */
export function emulatedInstanceName(instanceId: string): string {
  return `localstack-ec2.${instanceId}`;
}
