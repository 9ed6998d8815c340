import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { closeRedis, createRedis } from '@defi-realtime/redis';
import { requireRedis } from '@defi-realtime/redis/testing';

const run = promisify(execFile);

export interface TestCluster {
  /** `redis+cluster://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3` */
  url: string;
  ports: number[];
  stop(): Promise<void>;
}

/**
 * A real 3-master Redis Cluster from the installed redis-server, on free ports in a temp
 * dir; `stop()` kills exactly the processes it started and removes the dir.
 */
export async function startCluster(masters = 3): Promise<TestCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'rt-cluster-'));
  const ports: number[] = [];
  const processes: ChildProcess[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(processes.map(stopProcess));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters; i++) ports.push(await freeClusterPort(ports));
    for (const port of ports) processes.push(startServer(dir, port));
    await Promise.all(ports.map((port) => waitFor(() => ping(port), `redis-server on port ${port}`)));
    await run('redis-cli', [
      '--cluster',
      'create',
      ...ports.map((p) => `127.0.0.1:${p}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    await Promise.all(ports.map((port) => waitFor(() => clusterOk(port), `cluster_state:ok on port ${port}`)));
  } catch (error) {
    await stop();
    throw new Error(
      `Could not start a Redis Cluster with the installed redis-server and redis-cli (${(error as Error).message})`,
      { cause: error },
    );
  }
  return { url: `redis+cluster://${ports.map((p) => `127.0.0.1:${p}`).join(',')}`, ports, stop };
}

function startServer(dir: string, port: number): ChildProcess {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes'];
  args.push('--cluster-config-file', join(dir, `nodes-${port}.conf`), '--dir', dir, '--save', '', '--appendonly', 'no');
  return spawn('redis-server', args, { stdio: 'ignore' });
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await exited;
}

/** A free port whose cluster bus port (port + 10000) is free too. */
async function freeClusterPort(taken: number[]): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    if (taken.includes(port)) continue;
    if ((await isFree(port)) && (await isFree(port + 10_000))) return port;
  }
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function ping(port: number): Promise<boolean> {
  return requireRedis(`redis://127.0.0.1:${port}`, 500).then(
    () => true,
    () => false,
  );
}

async function clusterOk(port: number): Promise<boolean> {
  const client = createRedis(`redis://127.0.0.1:${port}`, { reconnect: false, maxRetriesPerRequest: 0 });
  client.on('error', () => undefined);
  try {
    return String(await client.cluster('INFO')).includes('cluster_state:ok');
  } catch {
    return false;
  } finally {
    await closeRedis(client);
  }
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
