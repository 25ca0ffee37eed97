/** Names and labels of what the local target creates; the labels let kiln find every one of them again. */
export const localNames = {
  network: (project: string, env: string) => `kiln-${project}-${env}`,
  lb: (project: string, env: string) => `kiln-${project}-${env}-lb`,
  instance: (project: string, env: string, role: string, instanceId: string) => `kiln-${project}-${env}-${role}-${instanceId}`,
};

export const INSTANCE_LABEL = {
  env: 'kiln.env',
  release: 'kiln.release',
  role: 'kiln.role',
  instanceId: 'kiln.instance-id',
} as const;
