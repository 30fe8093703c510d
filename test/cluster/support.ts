/**
 * Helpers for the tests on the real single-node cluster (scripts/cluster/cluster.sh, started by
 * scripts/test.ts before the *.cluster.test.ts files run): kubectl and helm against its kubeconfig, and
 * an HTTP client that opens a new connection per request, so a request counts against whichever
 * gateway pod kube-proxy picks at that moment (what a fleet of independent clients does).
 */
import { execFile } from 'node:child_process'
import http from 'node:http'
import path from 'node:path'
import { promisify } from 'node:util'

const exec = promisify(execFile)
export const repoRoot = path.resolve(import.meta.dirname, '../..')
const state = process.env.CLUSTER_STATE ?? path.join(repoRoot, '.local/cluster')
export const kubeconfig = path.join(state, 'admin.kubeconfig')
export const namespace = 'expenses'
export const release = 'expenses'
export const gatewayUrl = `http://10.244.0.1:${process.env.CLUSTER_GATEWAY_NODEPORT ?? '30080'}`
const bin = path.join(repoRoot, '.tools/bin')

export interface Run {
  code: number
  stdout: string
  stderr: string
}

/** Runs a program to its end; a non-zero exit (or a timeout) is returned as a code, never thrown. */
export async function run(file: string, args: string[], timeoutMs: number, env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  try {
    const { stdout, stderr } = await exec(file, args, { cwd: repoRoot, timeout: timeoutMs, env, maxBuffer: 64 * 1024 * 1024 })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const e = error as { code?: number | string; stdout?: string; stderr?: string }
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? String(error) }
  }
}

const tool = (name: string, args: string[], timeoutMs: number) => run(path.join(bin, name), ['--kubeconfig', kubeconfig, ...args], timeoutMs)

export const kubectl = (args: string[], timeoutMs = 120_000) => tool('kubectl', args, timeoutMs)
export const helm = (args: string[], timeoutMs = 20 * 60_000) => tool('helm', args, timeoutMs)

/** `kubectl get -o json` items. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function items(what: string, extra: string[] = []): Promise<any[]> {
  const res = await kubectl(['-n', namespace, 'get', what, '-o', 'json', ...extra])
  if (res.code !== 0) throw new Error(`kubectl get ${what}: ${res.stderr}`)
  return JSON.parse(res.stdout).items
}

/** The cluster script's own install (helm upgrade --install --wait with k8s/values/local-cluster.yaml). */
export function installChart(extraValues?: string): Promise<Run> {
  const env = { ...process.env, ...(extraValues ? { CLUSTER_VALUES: extraValues } : {}) }
  return run('bash', [path.join(repoRoot, 'scripts/cluster/cluster.sh'), 'install'], 25 * 60_000, env)
}

export interface Reply {
  status: number
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any
}

/** One request on a fresh connection (no keep-alive); network errors reject. */
export function request(method: string, url: string, token?: string, body?: unknown, timeoutMs = 10_000): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body))
    const req = http.request(
      url,
      {
        method,
        agent: false,
        timeout: timeoutMs,
        headers: {
          ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          let parsed: unknown = text
          try {
            parsed = text ? JSON.parse(text) : undefined
          } catch {
            // not JSON
          }
          resolve({ status: res.statusCode ?? 0, body: parsed })
        })
        res.on('error', reject)
      },
    )
    req.on('timeout', () => req.destroy(new Error(`timed out after ${timeoutMs}ms`)))
    req.on('error', reject)
    req.end(payload)
  })
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
