import type Docker from 'dockerode';
import { removeContainer } from '../../bake/docker/container-io.js';
import { explainDockerError } from '../../bake/docker/docker-errors.js';
import { LABEL } from '../../bake/docker/labels.js';
import { packTar } from '../../bake/docker/tar.js';
import { ExternalError, UserError } from '../../bake/errors.js';
import type { Project } from '../../bake/config/project.js';
import type { Emit } from '../../bake/events.js';
import type { Journal } from '../journal/journal.js';
import type { LoadBalancerRecord } from '../journal/record.js';
import { INSTANCE_LABEL, localNames } from '../local/names.js';
import { BACKEND, haproxyConfig, LB_API_PORT, LB_HTTP_PORT, SLOT_COUNT } from './haproxy-config.js';
import { bakeLoadBalancerImage } from './lb-image.js';
import type { LoadBalancer, Member } from '../targets/target.js';
import { haproxyApi, parseServersState } from './runtime-api.js';

// Longer than fall × inter (2 × 250 ms) plus a check timeout, so a failing server cannot pass unnoticed.
const CHECK_SETTLE_MS = 700;
const CHECK_FAIL_FAST_MS = 3000;


/**
 * The environment's HAProxy, in a container on the environment network, published on 127.0.0.1.
 * Its slot table lives in the journal, so any kiln process (or a resumed one) can drive it.
 */
export class LocalLoadBalancer implements LoadBalancer {
  /** `port`: where to publish on 127.0.0.1 (default release.port; 0 picks a free one). */
  constructor(private readonly docker: Docker, private readonly journal: Journal, private readonly project: Project, private readonly network: string, private readonly port = project.release.port) {}

  private get healthPath(): string {
    const role = this.project.roles[lbRole(this.project)]!;
    return role.health ?? '/';
  }

  /** The running load balancer, created (and re-populated from the journal) when missing. */
  async ensure(emit: Emit): Promise<LoadBalancerRecord> {
    const state = await this.journal.state();
    if (state.lb && (await this.running(state.lb.container))) return state.lb;
    const name = localNames.lb(this.project.project, this.journal.env);
    const image = await bakeLoadBalancerImage(this.docker, this.project, emit);
    await removeContainer(this.docker.getContainer(name));
    const wanted = this.port;
    let info: Docker.ContainerInspectInfo;
    try {
      const container = await this.docker.createContainer({
        name, Image: image,
        Entrypoint: ['haproxy'], Cmd: ['-db', '-f', '/etc/kiln-lb/haproxy.cfg'],
        ExposedPorts: { [`${LB_HTTP_PORT}/tcp`]: {}, [`${LB_API_PORT}/tcp`]: {} },
        Labels: { [LABEL.managed]: 'true', [LABEL.purpose]: 'lb', [LABEL.project]: this.project.project, [INSTANCE_LABEL.env]: this.journal.env },
        HostConfig: {
          NetworkMode: this.network,
          PortBindings: { [`${LB_HTTP_PORT}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: wanted ? String(wanted) : '' }], [`${LB_API_PORT}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: '' }] },
          RestartPolicy: { Name: 'unless-stopped' },
        },
      });
      await container.putArchive(packTar([{ name: 'etc/kiln-lb/haproxy.cfg', content: haproxyConfig({ healthPath: this.healthPath }) }]), { path: '/' });
      await container.start();
      info = await container.inspect();
    } catch (error) {
      await removeContainer(this.docker.getContainer(name)).catch(() => {});
      if (/port is already allocated|address already in use/i.test(String((error as Error).message))) {
        throw new UserError(`127.0.0.1:${wanted} is taken, so the load balancer cannot listen there`, 'free that port, or set release.port in kiln.yaml (0 picks any free port)', { cause: error });
      }
      throw explainDockerError(error, 'starting the load balancer');
    }
    const port = Number(info.NetworkSettings.Ports[`${LB_HTTP_PORT}/tcp`]?.[0]?.HostPort);
    const apiPort = Number(info.NetworkSettings.Ports[`${LB_API_PORT}/tcp`]?.[0]?.HostPort);
    const lb: LoadBalancerRecord = { container: name, port, apiPort, url: `http://127.0.0.1:${port}`, slots: state.lb?.slots ?? {} };
    await waitForApi(apiPort);
    await this.restoreSlots(lb, state.live);
    await this.save(lb);
    emit({ type: 'notice', level: 'info', message: `load balancer ${name} listening on ${lb.url}` });
    return lb;
  }

  /** Put members into free slots, draining (health-checked, no traffic yet). */
  async stage(members: Member[]): Promise<void> {
    const lb = await this.current();
    const commands: string[] = [];
    for (const member of members) {
      let slot = Object.entries(lb.slots).find(([, entry]) => entry.instanceId === member.instanceId)?.[0];
      if (!slot) {
        slot = freeSlot(lb);
        lb.slots[slot] = { release: member.release, instanceId: member.instanceId, address: `${member.address}:${member.port}` };
      }
      commands.push(`set server ${BACKEND}/${slot} addr ${member.address} port ${member.port}`, `set server ${BACKEND}/${slot} state drain`);
    }
    await this.save(lb);
    if (commands.length) await haproxyApi(lb.apiPort, commands);
  }

  /** HAProxy checks every 250 ms and the instances were healthy from inside before staging: seconds are plenty. */
  healthWaitSeconds(releaseTimeout: number): number {
    return Math.min(releaseTimeout, 15);
  }

  /**
   * Wait until HAProxy's own checks have passed for every named instance, continuously for a window
   * longer than `fall` checks: a server leaving maintenance starts out "up" before any check has run.
   */
  async waitUp(instanceIds: string[], timeoutSeconds: number, signal?: AbortSignal): Promise<void> {
    const deadline = performance.now() + timeoutSeconds * 1000;
    const upSince = new Map<string, number>();
    const failingSince = new Map<string, number>();
    let down: string[] = instanceIds;
    while (performance.now() < deadline) {
      if (signal?.aborted) throw new UserError('interrupted while waiting for the load balancer health checks');
      const checks = await this.checks();
      const health = new Map([...checks].map(([id, check]) => [id, check.up]));
      const now = performance.now();
      for (const id of instanceIds) {
        // A standby server already up for a while (HAProxy says how long) needs no fresh settle window.
        if (health.get(id) !== true) upSince.delete(id);
        else if (!upSince.has(id)) upSince.set(id, now - Math.min(checks.get(id)!.sinceChange, 60) * 1000);
        if (health.get(id) === true) failingSince.delete(id);
        else if (!failingSince.has(id)) failingSince.set(id, now);
      }
      // These instances were healthy from inside before staging: checks failing for seconds mean a real fault. Fail fast.
      const failing = instanceIds.filter((id) => failingSince.has(id) && now - failingSince.get(id)! > CHECK_FAIL_FAST_MS);
      if (failing.length > 0) {
        throw new ExternalError(`the load balancer's health checks fail for ${failing.join(', ')}`, undefined, { hint: 'the new stack is not healthy, so traffic stays where it was' });
      }
      down = instanceIds.filter((id) => !upSince.has(id) || now - upSince.get(id)! < CHECK_SETTLE_MS);
      if (down.length === 0) return;
      await new Promise((done) => setTimeout(done, 50));
    }
    throw new ExternalError(`the load balancer's health checks still fail for ${down.join(', ')} after ${timeoutSeconds}s`, undefined, { hint: 'the new stack is not healthy, so traffic stays where it was' });
  }

  /** Instance id → whether HAProxy holds the server UP, for every occupied slot. */
  async health(): Promise<Map<string, boolean>> {
    return new Map([...(await this.checks())].map(([id, check]) => [id, check.operational]));
  }

  /** Instance id → check state and how long it has held, for every occupied slot. */
  private async checks(): Promise<Map<string, { up: boolean; operational: boolean; sinceChange: number }>> {
    const lb = await this.current();
    const servers = parseServersState(await haproxyApi(lb.apiPort, [`show servers state ${BACKEND}`]));
    return new Map(Object.entries(lb.slots).map(([slot, entry]) => {
      const server = servers.find((candidate) => candidate.name === slot);
      // `up` also wants a passed check: a server leaving maintenance is UP before its first check runs.
      return [entry.instanceId, { up: server?.operational === 2 && server.checkResult === 3, operational: server?.operational === 2, sinceChange: server?.sinceChange ?? 0 }];
    }));
  }

  /** Serve only `release`: its slots take traffic, every other slot drains. Returns how long the switch took. */
  async switchTo(release: string): Promise<number> {
    const lb = await this.current();
    const started = performance.now();
    const slots = Object.entries(lb.slots);
    // New servers go ready before old ones drain, so there is never a moment with nobody serving.
    await haproxyApi(lb.apiPort, [
      ...slots.filter(([, entry]) => entry.release === release).map(([slot]) => `set server ${BACKEND}/${slot} state ready`),
      ...slots.filter(([, entry]) => entry.release !== release).map(([slot]) => `set server ${BACKEND}/${slot} state drain`),
    ]);
    return (performance.now() - started) / 1000;
  }

  /** Take instances out of the backend entirely (maintenance) and free their slots. */
  async detach(instanceIds: string[]): Promise<void> {
    const lb = await this.current();
    const commands: string[] = [];
    for (const [slot, entry] of Object.entries(lb.slots)) {
      if (!instanceIds.includes(entry.instanceId)) continue;
      commands.push(`set server ${BACKEND}/${slot} state maint`);
      delete lb.slots[slot];
    }
    if (commands.length) await haproxyApi(lb.apiPort, commands).catch(() => '');
    await this.save(lb);
  }

  /** The release whose slots take traffic, if any. */
  async serving(): Promise<string | undefined> {
    const lb = await this.current();
    const servers = parseServersState(await haproxyApi(lb.apiPort, [`show servers state ${BACKEND}`]));
    // Admin bits: 0x01 forced maint, 0x02 inherited maint, 0x08 forced drain, 0x10 inherited drain (0x04, "disabled" in the config, stays set).
    const ready = servers.filter((server) => (server.admin & 0x1b) === 0 && lb.slots[server.name]);
    return ready[0] ? lb.slots[ready[0].name]!.release : undefined;
  }

  private current(): Promise<LoadBalancerRecord> {
    return this.journal.requireSection('lb', 'load balancer');
  }

  private save(lb: LoadBalancerRecord): Promise<void> {
    return this.journal.saveSection('lb', lb);
  }

  private async running(name: string): Promise<boolean> {
    const info = await this.docker.getContainer(name).inspect().catch(() => undefined);
    return Boolean(info?.State.Running);
  }

  /** A recreated load balancer learns its slots again: the live release serves, anything else drains. */
  private async restoreSlots(lb: LoadBalancerRecord, live: string | null): Promise<void> {
    const commands = Object.entries(lb.slots).flatMap(([slot, entry]) => {
      const [address, port] = entry.address.split(':');
      return [`set server ${BACKEND}/${slot} addr ${address} port ${port}`, `set server ${BACKEND}/${slot} state ${entry.release === live ? 'ready' : 'drain'}`];
    });
    if (commands.length) await haproxyApi(lb.apiPort, commands);
  }
}

/** The role that sits behind the load balancer. */
export function lbRole(project: Project): string {
  if (project.release.role) return project.release.role;
  const role = Object.keys(project.roles).find((name) => project.roles[name]!.port !== undefined && project.roles[name]!.health !== undefined);
  if (!role) throw new UserError('no role can sit behind the load balancer', 'give a role a `port` and a `health` path, or set release.role');
  return role;
}

function freeSlot(lb: LoadBalancerRecord): string {
  for (let index = 1; index <= SLOT_COUNT; index++) if (!lb.slots[`s${index}`]) return `s${index}`;
  throw new UserError(`the load balancer has no free slot (it holds ${SLOT_COUNT} instances)`, 'shut down standby stacks (kiln rollback without --keep, or another release) first');
}

async function waitForApi(port: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await haproxyApi(port, ['show info']).then((text) => text.includes('Name: HAProxy'), () => false)) return;
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new ExternalError('the load balancer did not answer on its runtime API within 5 s', undefined, { hint: 'docker logs on the -lb container shows why' });
}
