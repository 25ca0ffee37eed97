/** The validated kiln.yaml, as the rest of kiln sees it. Field names match the file. */
export interface Project {
  /** Absolute path of kiln.yaml. */
  file: string;
  /** The project directory (where kiln.yaml lives). */
  dir: string;
  project: string;
  vars: Record<string, unknown>;
  /** Declared secret names; never their values. */
  secrets: string[];
  os: OsLayer;
  packages: PackagesLayer;
  app: AppLayer;
  roles: Record<string, Role>;
  tests: { image: TestSpec[]; production: TestSpec[] };
  verify: { timeout: number };
  release: ReleaseSettings;
  aws: { region?: string; endpoint?: string; instance_type: string; base_ami: string; subnets: string[]; builder_timeout: number; staging_bucket?: string; instance_profile?: string; security_groups: string[] };
  /** Where each field sits in the file, for errors found after validation. */
  positionOf(field: string): { line: number; col: number } | undefined;
}

export interface OsLayer {
  source: 'auto' | 'image' | 'bootstrap';
  image?: string;
  bootstrap?: { suite: string; variant: string; include: string[]; mirror?: string };
  template: string;
  files: string[];
}

export interface PackagesLayer {
  apt: string[];
  template: string;
  scripts: string[];
  files: string[];
}

export interface AppLayer {
  build?: string;
  test?: string;
  artifact: string;
  install_dir: string;
  template: string;
  network: boolean;
}

export interface ReleaseSettings {
  tag: string;
  role?: string;
  port: number;
  grace: number;
  keep: number;
  timeout: number;
}

export interface Role {
  command: string;
  configure: string;
  port?: number;
  health?: string;
  count: number;
}

export interface TestSpec {
  name: string;
  http?: string;
  status: number;
  contains?: string;
  run?: string;
  role?: string;
}

export const LAYER_NAMES = ['os', 'packages', 'app'] as const;
export type LayerName = (typeof LAYER_NAMES)[number];
