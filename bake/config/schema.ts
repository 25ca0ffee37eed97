import type { ObjectSchema, Schema } from './schema-types.js';

// Names that end up in image tags, container names and shell words: keep them boring.
const NAME = /^[a-z][a-z0-9-]{0,39}$/;
const NAME_HINT = 'lowercase letters, digits and dashes, starting with a letter, at most 40 characters';
const TEMPLATE = /^[A-Za-z0-9._/-]+$/;
const TEMPLATE_HINT = 'a template name such as app/install (letters, digits, . _ - /)';

const template = (doc: string, fallback: string): Schema => ({
  type: 'string', doc, default: fallback, pattern: TEMPLATE, patternHint: TEMPLATE_HINT,
});
const files: Schema = {
  type: 'list', doc: 'project files copied into the layer at $KILN_INPUTS; their hashes enter the layer digest',
  of: { type: 'string', doc: 'a path inside the project' },
};

const test: Schema = {
  type: 'object',
  doc: 'one test: either an HTTP request (http) or a shell command (run)',
  fields: {
    name: { type: 'string', doc: 'what the test checks', required: true },
    http: { type: 'string', doc: 'GET this path on the role\'s port', pattern: /^\/\S*$/, patternHint: 'a path starting with /' },
    status: { type: 'integer', doc: 'expected HTTP status', default: 200, min: 100, max: 599 },
    contains: { type: 'string', doc: 'text the HTTP response body must contain' },
    run: { type: 'string', doc: 'a shell command run inside the instance; exit 0 passes ($KILN_URL points at the role)' },
    role: { type: 'string', doc: 'the role to test (default: the first role with a port)', pattern: NAME, patternHint: NAME_HINT },
  },
  check: (value) => {
    if ((value.http === undefined) === (value.run === undefined)) {
      return { message: 'a test needs exactly one of `http` or `run`' };
    }
    if (value.run !== undefined && value.contains !== undefined) {
      return { field: 'contains', message: '`contains` only applies to `http` tests' };
    }
    return undefined;
  },
};

const role: Schema = {
  type: 'object',
  doc: 'one kind of instance; every role boots the same image',
  fields: {
    command: { type: 'string', doc: 'the command that starts the service (no installs: everything is baked in)', required: true },
    configure: template('configure template run at boot with only instance metadata', 'configure/service'),
    port: { type: 'integer', doc: 'the TCP port the service listens on inside the instance', min: 1, max: 65535 },
    health: { type: 'string', doc: 'HTTP path that answers 200 when healthy', pattern: /^\/\S*$/, patternHint: 'a path starting with /' },
    count: { type: 'integer', doc: 'instances of this role in a stack', default: 1, min: 0, max: 64 },
  },
  check: (value) =>
    value.health !== undefined && value.port === undefined
      ? { field: 'health', message: 'a health path needs a `port`' }
      : undefined,
};

/** The whole of kiln.yaml. `examples/hello/kiln.yaml` documents the same fields in prose. */
export const kilnSchema: ObjectSchema = {
  type: 'object',
  doc: 'kiln.yaml',
  fields: {
    project: { type: 'string', doc: 'the project name; names images and containers', required: true, pattern: NAME, patternHint: NAME_HINT },
    secrets: {
      type: 'list',
      doc: 'secret names; values come at release time from $NAME or .kiln/secrets/NAME, and only configure templates may read them, at boot',
      of: { type: 'string', doc: 'a secret name', pattern: /^[A-Z][A-Z0-9_]{0,63}$/, patternHint: 'UPPER_CASE letters, digits and _' },
    },
    vars: { type: 'map', doc: 'values your templates may use as {{vars.NAME}}', key: /^[A-Za-z_][A-Za-z0-9_]*$/, keyHint: 'a letter or _ then letters, digits, _', of: { type: 'any', doc: 'a string, number, boolean or list' } },
    os: {
      type: 'object',
      doc: 'the bare OS layer',
      required: true,
      fields: {
        source: { type: 'string', doc: 'where the base comes from', enum: ['auto', 'image', 'bootstrap'], default: 'auto' },
        image: { type: 'string', doc: 'a base image reference, e.g. debian:bookworm-slim', pattern: /^[a-z0-9][a-z0-9._\/:@-]*$/, patternHint: 'an image reference such as debian:bookworm-slim' },
        bootstrap: {
          type: 'object',
          doc: 'build the base offline-capable with debootstrap from Debian\'s mirror',
          presenceMatters: true,
          fields: {
            suite: { type: 'string', doc: 'Debian suite', default: 'bookworm', pattern: /^[a-z]+$/, patternHint: 'a suite name such as bookworm' },
            variant: { type: 'string', doc: 'debootstrap variant', default: 'minbase', enum: ['minbase', 'buildd', 'fakechroot'] },
            include: { type: 'list', doc: 'extra packages debootstrap adds', of: { type: 'string', doc: 'a Debian package', pattern: /^[a-z0-9][a-z0-9+.-]+$/, patternHint: 'a Debian package name' } },
            mirror: { type: 'string', doc: 'mirror URL (default: debootstrap\'s own default)', pattern: /^https?:\/\/\S+$/, patternHint: 'an http(s) URL' },
          },
        },
        template: template('the OS layer script', 'os/debian'),
        files,
      },
      check: (value) => {
        if (value.source === 'image' && value.image === undefined) return { field: 'image', message: 'source is `image` but no `image` is set' };
        if (value.source === 'bootstrap' && value.bootstrap === undefined) return { field: 'bootstrap', message: 'source is `bootstrap` but no `bootstrap` section is set' };
        if (value.image === undefined && value.bootstrap === undefined) return { message: 'set `image`, `bootstrap`, or both' };
        return undefined;
      },
    },
    packages: {
      type: 'object',
      doc: 'the packages layer: third-party software',
      fields: {
        apt: { type: 'list', doc: 'Debian packages to install', of: { type: 'string', doc: 'a Debian package', pattern: /^[a-z0-9][a-z0-9+.:=~-]+$/, patternHint: 'a Debian package name, optionally =version' } },
        template: template('the packages layer script', 'packages/apt'),
        scripts: { type: 'list', doc: 'more templates run after the main one, in order', of: template('a template', '') },
        files,
      },
    },
    app: {
      type: 'object',
      doc: 'the app layer: your software',
      required: true,
      fields: {
        build: { type: 'string', doc: 'shell command run in the project to build the artifact' },
        test: { type: 'string', doc: 'shell command run in the project to test the build' },
        artifact: { type: 'string', doc: 'the built file or directory, relative to the project', required: true },
        install_dir: { type: 'string', doc: 'where the artifact is installed in the image', default: '/opt/app', pattern: /^\/[A-Za-z0-9._\/-]*$/, patternHint: 'an absolute path' },
        template: template('the app layer script', 'app/install'),
        network: { type: 'boolean', doc: 'let the app layer script reach the network (default false: build on the host, copy the artifact)', default: false },
      },
    },
    roles: {
      type: 'map',
      doc: 'the roles a stack runs, e.g. web and worker',
      required: true,
      key: NAME,
      keyHint: NAME_HINT,
      of: role,
    },
    tests: {
      type: 'object',
      doc: 'tests kiln runs for you',
      fields: {
        image: { type: 'list', doc: 'run inside a freshly booted instance (kiln verify, release step 8)', of: test },
        production: { type: 'list', doc: 'run through the load balancer after cutover (release step 11)', of: test },
      },
    },
    release: {
      type: 'object',
      doc: 'how kiln release runs the twelve steps',
      fields: {
        tag: { type: 'string', doc: 'git tag pattern; {project}, {n} (release number) and {date} (YYYYMMDD) are filled in', default: '{project}-r{n}', pattern: /^[A-Za-z0-9._{}\/-]+$/, patternHint: 'letters, digits, . _ - / and {project} {n} {date}' },
        role: { type: 'string', doc: 'the role behind the load balancer (default: the first role with a port and health path)', pattern: NAME, patternHint: NAME_HINT },
        port: { type: 'integer', doc: 'the 127.0.0.1 port the load balancer listens on; 0 lets the engine pick one', default: 8480, min: 0, max: 65535 },
        grace: { type: 'integer', doc: 'seconds an instance gets to finish in-flight requests when it is stopped', default: 2, min: 0, max: 120 },
        keep: { type: 'integer', doc: 'images of this many recent releases are kept by kiln gc', default: 5, min: 1, max: 100 },
        timeout: { type: 'integer', doc: 'seconds to wait for new instances to turn healthy', default: 60, min: 1, max: 1800 },
      },
    },
    aws: {
      type: 'object',
      doc: 'the aws, moto and localstack targets (kiln release --target …)',
      fields: {
        region: { type: 'string', doc: 'AWS region (the SDK default chain is used when unset)', pattern: /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, patternHint: 'a region such as us-east-1' },
        endpoint: { type: 'string', doc: 'an AWS-compatible endpoint for --target aws (also AWS_ENDPOINT_URL)', pattern: /^https?:\/\/\S+$/, patternHint: 'an http(s) URL' },
        instance_type: { type: 'string', doc: 'EC2 instance type for builders and instances', default: 't3.micro', pattern: /^[a-z0-9]+\.[a-z0-9]+$/, patternHint: 'an instance type such as t3.micro' },
        base_ami: { type: 'string', doc: 'the base AMI: an ami- id, or resolve:ssm:<public parameter>', default: 'resolve:ssm:/aws/service/debian/release/bookworm/latest/amd64', pattern: /^(ami-[0-9a-f]+|resolve:ssm:\/\S+)$/, patternHint: 'ami-… or resolve:ssm:/…' },
        security_groups: { type: 'list', doc: 'security groups for the ALB and the instances (default: the VPC\'s default group); they must let the ALB reach the role\'s port, and you reach port 80', of: { type: 'string', doc: 'a security group id', pattern: /^sg-[0-9a-f]+$/, patternHint: 'sg-…' } },
        builder_timeout: { type: 'integer', doc: 'seconds an AMI builder may take to run the layer scripts and power off; then it is terminated', default: 3600, min: 1, max: 86400 },
        staging_bucket: { type: 'string', doc: 'S3 bucket for builder inputs too big for user-data (default: kiln-staging-<account>-<region>, made when missing)', pattern: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, patternHint: 'an S3 bucket name' },
        subnets: { type: 'list', doc: 'two subnets in different zones (required on AWS; emulators get a VPC made by kiln)', of: { type: 'string', doc: 'a subnet id', pattern: /^subnet-[0-9a-f]+$/, patternHint: 'subnet-…' } },
        instance_profile: { type: 'string', doc: 'IAM instance profile (name) for release instances; image tests on AWS run through SSM Run Command, so its role needs AmazonSSMManagedInstanceCore', pattern: /^[\w+=,.@-]{1,128}$/, patternHint: 'an instance profile name (letters, digits and +=,.@_-)' },
      },
    },
    verify: {
      type: 'object',
      doc: 'how kiln verify boots an image',
      fields: {
        timeout: { type: 'integer', doc: 'seconds to wait for the role to turn healthy', default: 30, min: 1, max: 600 },
      },
    },
  },
};
