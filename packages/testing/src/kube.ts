import { spawn, type ChildProcess } from 'node:child_process'
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:https'
import { createServer, type AddressInfo, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'

/**
 * A real Kubernetes control plane for tests: etcd + kube-apiserver built from the Go module proxy by
 * scripts/tools/install-kube.sh. No controller-manager, scheduler or kubelet - nothing runs pods, and
 * namespaces are never finalised - but every API call (validation, CRDs, RBAC, watches, TokenRequest)
 * is the real apiserver's. Each call starts its own pair on free ports in a temp dir.
 */
export interface TestKubeApiserver {
  /** https://127.0.0.1:<port> */
  server: string
  /** A kubeconfig for the admin user (group system:masters), for KUBECONFIG or KubeConfig.loadFromFile. */
  kubeconfigPath: string
  adminToken: string
  /** The apiserver's serving CA (PEM). */
  caPem: string
  /** Writes a kubeconfig that authenticates with `token` (e.g. a ServiceAccount's from TokenRequest). */
  kubeconfigFor(token: string, name?: string): string
  /** Stops kube-apiserver and etcd (SIGTERM, then SIGKILL after 5 s) and removes the temp dir. */
  stop(): Promise<void>
  /** Stops only kube-apiserver: for outage tests. `start()` brings it back on the same port and data. */
  stopApiserver(): Promise<void>
  startApiserver(): Promise<void>
}

const repoRoot = path.resolve(import.meta.dirname, '../../..')
export const kubeToolsBin = path.join(repoRoot, '.tools/bin')
/** The one line a test prints when the binaries are missing. */
export const INSTALL_KUBE_HINT = 'run bash scripts/tools/install-kube.sh'

export class KubeBinariesMissingError extends Error {
  constructor(missing: string[]) {
    super(`${missing.join(' and ')} not found in .tools/bin: ${INSTALL_KUBE_HINT}`)
    this.name = 'KubeBinariesMissingError'
  }
}

/** Paths of etcd and kube-apiserver; throws KubeBinariesMissingError (one line, with the fix) if absent. */
export function kubeBinaries(binDir = kubeToolsBin): { etcd: string; apiserver: string } {
  const etcd = path.join(binDir, 'etcd')
  const apiserver = path.join(binDir, 'kube-apiserver')
  const missing = [etcd, apiserver].filter((file) => !existsSync(file)).map((file) => path.basename(file))
  if (missing.length > 0) {
    const err = new KubeBinariesMissingError(missing)
    console.error(err.message)
    throw err
  }
  return { etcd, apiserver }
}

export async function startTestKubeApiserver(options: { startTimeoutMs?: number } = {}): Promise<TestKubeApiserver> {
  const bin = kubeBinaries()
  const timeoutMs = options.startTimeoutMs ?? 90_000
  const dir = mkdtempSync(path.join(tmpdir(), 'test-kube-'))
  const processes = new Set<ChildProcess>()
  const killAll = () => {
    for (const child of processes) child.kill('SIGKILL')
  }
  // A test file that crashes must not leave an apiserver behind.
  process.once('exit', killAll)

  try {
    const [etcdClient, etcdPeer, securePort] = await freePorts(3)
    const etcdUrl = `http://127.0.0.1:${etcdClient}`
    const etcd = launch(
      bin.etcd,
      [
        '--name=test',
        `--data-dir=${path.join(dir, 'etcd')}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-cluster=test=http://127.0.0.1:${etcdPeer}`,
        '--log-level=warn',
        // Test data is thrown away: skipping fsync makes the apiserver's writes much faster on slow disks.
        '--unsafe-no-fsync',
      ],
      path.join(dir, 'etcd.log'),
    )
    processes.add(etcd)
    await waitUntil(`etcd on ${etcdUrl}`, timeoutMs, etcd, path.join(dir, 'etcd.log'), async () => {
      const res = await fetch(`${etcdUrl}/health`).catch(() => undefined)
      return res?.ok === true
    })

    const adminToken = randomBytes(24).toString('hex')
    writeFileSync(path.join(dir, 'tokens.csv'), `${adminToken},test-admin,test-admin,"system:masters"\n`)
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    writeFileSync(path.join(dir, 'sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }))
    writeFileSync(path.join(dir, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }))
    const certDir = path.join(dir, 'certs')
    mkdirSync(certDir)
    const server = `https://127.0.0.1:${securePort}`
    const apiserverArgs = [
      `--etcd-servers=${etcdUrl}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${securePort}`,
      // No --tls-cert-file: the apiserver makes a self-signed CA + serving cert for 127.0.0.1 in cert-dir.
      `--cert-dir=${certDir}`,
      `--token-auth-file=${path.join(dir, 'tokens.csv')}`,
      // RBAC for real: the admin token is in system:masters, ServiceAccounts get only what Roles grant.
      '--authorization-mode=RBAC',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${path.join(dir, 'sa.pub')}`,
      `--service-account-signing-key-file=${path.join(dir, 'sa.key')}`,
      '--service-cluster-ip-range=10.96.0.0/24',
      '--enable-priority-and-fairness=false',
      '--profiling=false',
    ]
    let apiserver: ChildProcess | undefined
    let caPem = ''
    const startApiserver = async () => {
      const log = path.join(dir, 'kube-apiserver.log')
      apiserver = launch(bin.apiserver, apiserverArgs, log)
      processes.add(apiserver)
      await waitUntil(`kube-apiserver on ${server}`, timeoutMs, apiserver, log, async () => {
        const crt = path.join(certDir, 'apiserver.crt')
        if (!existsSync(crt)) return false
        caPem = readFileSync(crt, 'utf8')
        const res = await get(`${server}/readyz`, adminToken, caPem).catch(() => undefined)
        return res === 200
      })
    }
    const stopApiserver = async () => {
      if (!apiserver) return
      await terminate(apiserver)
      processes.delete(apiserver)
      apiserver = undefined
    }
    await startApiserver()

    const kubeconfigFor = (token: string, name = `user-${randomBytes(4).toString('hex')}`) => {
      const file = path.join(dir, `kubeconfig-${name}.json`)
      // JSON is YAML: every kubeconfig loader reads it.
      const config = {
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'test', cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
        users: [{ name, user: { token } }],
        contexts: [{ name: 'test', context: { cluster: 'test', user: name } }],
        'current-context': 'test',
      }
      writeFileSync(file, JSON.stringify(config, null, 2), { mode: 0o600 })
      return file
    }
    const kubeconfigPath = kubeconfigFor(adminToken, 'admin')

    return {
      server,
      adminToken,
      caPem,
      kubeconfigPath,
      kubeconfigFor,
      stopApiserver,
      startApiserver,
      async stop() {
        await stopApiserver()
        await Promise.all([...processes].map(terminate))
        processes.clear()
        process.removeListener('exit', killAll)
        rmSync(dir, { recursive: true, force: true })
      },
    }
  } catch (err) {
    killAll()
    process.removeListener('exit', killAll)
    rmSync(dir, { recursive: true, force: true })
    throw err
  }
}

function launch(binary: string, args: string[], logFile: string): ChildProcess {
  writeFileSync(logFile, '')
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  const append = (chunk: Buffer) => writeFileSync(logFile, chunk, { flag: 'a' })
  child.stdout?.on('data', append)
  child.stderr?.on('data', append)
  return child
}

async function waitUntil(what: string, timeoutMs: number, child: ChildProcess, logFile: string, probe: () => Promise<boolean>) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${what} exited (${child.exitCode ?? child.signalCode}) during start-up:\n${tail(logFile)}`)
    }
    if (await probe()) return
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new Error(`${what} not ready after ${timeoutMs} ms:\n${tail(logFile)}`)
}

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')
  } catch {
    return '(no log)'
  }
}

function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000)
    child.once('exit', () => {
      clearTimeout(kill)
      resolve()
    })
    child.kill('SIGTERM')
  })
}

/** HTTPS GET with a bearer token and a private CA (fetch cannot take a CA without undici's Agent). */
function get(url: string, token: string, ca: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { authorization: `Bearer ${token}` }, ca, timeout: 2_000 }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', reject)
    req.end()
  })
}

/** `count` distinct free TCP ports on 127.0.0.1 (held open together so they differ). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Server>((resolve, reject) => {
          const server = createServer()
          server.once('error', reject)
          server.listen(0, '127.0.0.1', () => resolve(server))
        }),
    ),
  )
  const ports = servers.map((server) => (server.address() as AddressInfo).port)
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))))
  return ports
}
