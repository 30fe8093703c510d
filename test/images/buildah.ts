/**
 * The image tests' view of buildah (Debian package; no Docker engine runs here): build through
 * scripts/k8s/build-images.sh, read an image's config, and run its processes on the host network so
 * they reach the local Postgres and Kafka.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chmod, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'

export const repoRoot = path.resolve(import.meta.dirname, '../..')
const HOST_CA = '/etc/ssl/certs/ca-certificates.crt'
const STORAGE = ['--storage-driver', process.env.BUILDAH_STORAGE_DRIVER ?? 'overlay']

export interface CommandResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

export function command(cmd: string, args: readonly string[], options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: repoRoot, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined
    child.on('error', (err) => resolve({ code: 127, stdout, stderr: `${stderr}${err.message}` }))
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code: code ?? 1, stdout, stderr })
    })
  })
}

export const buildah = (args: readonly string[], options?: { timeoutMs?: number }) => command('buildah', [...STORAGE, ...args], options)

/** Why images cannot be built here, in one line, or undefined when they can. */
export async function missingBuilder(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'the image tests need root (buildah storage, debootstrap)'
  for (const tool of ['buildah', 'debootstrap']) {
    if ((await command('sh', ['-c', `command -v ${tool}`])).code !== 0)
      return `${tool} is missing: apt-get install -y buildah debootstrap (.ci/run installs them)`
  }
  return undefined
}

/** `buildah bud` of the project's Dockerfile with extra options, as build-images.sh runs it (layers cached). */
export function budDockerfile(options: readonly string[], tag: string): Promise<CommandResult> {
  // The same CA bundle mounts as build-images.sh (its header), so its cached layers match and npm can reach the registry.
  const npmrc = path.join(repoRoot, '.cache/images/npmrc')
  const mounts = existsSync(HOST_CA) && existsSync(npmrc) ? ['-v', `${HOST_CA}:/etc/ssl/host-ca.crt:ro`, '-v', `${npmrc}:/usr/local/etc/npmrc:ro`] : []
  return buildah(['bud', '--isolation', 'chroot', '--layers', ...mounts, ...options, '-t', tag, '-f', path.join(repoRoot, 'Dockerfile'), repoRoot], {
    timeoutMs: 20 * 60_000,
  })
}

export function buildImages(names: readonly string[]): Promise<CommandResult> {
  return command('bash', [path.join(repoRoot, 'scripts/k8s/build-images.sh'), ...names], { timeoutMs: 40 * 60_000 })
}

/** The subset of an OCI image config the tests look at. */
export interface ImageConfig {
  readonly User?: string
  readonly Entrypoint?: string[]
  readonly Cmd?: string[]
  readonly Env?: string[]
  readonly WorkingDir?: string
  readonly ExposedPorts?: Record<string, unknown>
  readonly StopSignal?: string
  readonly Labels?: Record<string, string>
}

export async function inspectImage(ref: string): Promise<{ config: ImageConfig; sizeBytes: number }> {
  const res = await buildah(['inspect', '--type', 'image', ref])
  if (res.code !== 0) throw new Error(`buildah inspect ${ref}: ${res.stderr.trim()}`)
  const info = JSON.parse(res.stdout) as { OCIv1: { config: ImageConfig } }
  // Uncompressed size as buildah reports it ("294 MB", decimal units).
  const images = await buildah(['images', '--json', ref])
  const size = /^([\d.]+)\s*(B|kB|MB|GB)$/.exec((JSON.parse(images.stdout) as Array<{ size: string }>)[0]?.size ?? '')
  const unit = { B: 1, kB: 1e3, MB: 1e6, GB: 1e9 }[size?.[2] ?? 'B'] ?? 1
  return { config: info.OCIv1.config, sizeBytes: size ? Number(size[1]) * unit : Number.NaN }
}

/** A working container of `ref`: run commands in it, start its entrypoint, and remove it. */
export async function workingContainer(ref: string) {
  const from = await buildah(['from', '--pull=never', ref])
  if (from.code !== 0) throw new Error(`buildah from ${ref}: ${from.stderr.trim()}`)
  const id = from.stdout.trim().split('\n').pop()!
  // `buildah run` takes no image entrypoint: callers pass the command (the image's own, read from its config).
  const runArgs = (env: Record<string, string>, argv: readonly string[]) => [
    'run',
    '--isolation',
    'chroot',
    '--network',
    'host',
    ...Object.entries(env).flatMap(([k, v]) => ['--env', `${k}=${v}`]),
    id,
    '--',
    ...argv,
  ]
  return {
    id,
    run: (argv: readonly string[], env: Record<string, string> = {}, timeoutMs = 120_000) =>
      command('buildah', [...STORAGE, ...runArgs(env, argv)], { timeoutMs }),
    start(argv: readonly string[], env: Record<string, string>): ChildProcess {
      return spawn('buildah', [...STORAGE, ...runArgs(env, argv)], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] })
    },
    remove: () => buildah(['rm', id]),
  }
}

/**
 * Runs an image the way a hardened Kubernetes pod does (readOnlyRootFilesystem, runAsUser from the
 * image, an emptyDir on /tmp): its root filesystem is bind-mounted read-only in a private mount
 * namespace, with a tmpfs on /tmp, and the image's own ENTRYPOINT, ENV, WORKDIR and USER are applied
 * from its config - so a service that writes outside /tmp, or an image whose config is wrong, fails
 * here. The process chain execs into the entrypoint, so a signal to the returned child reaches it.
 *
 * Its stdout and stderr are a FIFO, read by a `cat` beside it (`output`), as containerd gives a
 * container: Node's own child pipes are sockets, which a process cannot open as /dev/stdout (nginx's
 * access log does).
 */
export async function runReadOnly(
  ref: string,
  config: ImageConfig,
  env: Record<string, string>,
  argv?: readonly string[],
  /** Host files copied into the container's /tmp (file name -> host path), e.g. a kubeconfig. */
  tmpFiles: Record<string, string> = {},
) {
  const from = await buildah(['from', '--pull=never', ref])
  if (from.code !== 0) throw new Error(`buildah from ${ref}: ${from.stderr.trim()}`)
  const id = from.stdout.trim().split('\n').pop()!
  const mounted = await buildah(['mount', id])
  if (mounted.code !== 0) throw new Error(`buildah mount ${ref}: ${mounted.stderr.trim()}`)
  const root = mounted.stdout.trim()
  // USER is a name or uid, optionally with its group ("101:101"); chroot --userspec wants user:group.
  const user = config.User ?? 'root'
  const userspec = user.includes(':') ? user : `${user}:${user}`
  const entrypoint = argv ?? [...(config.Entrypoint ?? []), ...(config.Cmd ?? [])]
  const environment = [...(config.Env ?? []), ...Object.entries(env).map(([k, v]) => `${k}=${v}`)]
  const fifoDir = await mkdtemp(path.join(tmpdir(), 'image-output-'))
  const fifo = path.join(fifoDir, 'output')
  // runc hands a container's stdio to its user (fixStdioPermissions); a FIFO anyone may write, in a folder
  // nobody else can list, does the same for an image that runs as a non-root uid and reopens /dev/stdout.
  await chmod(fifoDir, 0o711)
  const made = await command('mkfifo', ['-m', '0666', fifo])
  if (made.code !== 0) throw new Error(`mkfifo: ${made.stderr.trim()}`)
  const reader = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'inherit'] })
  const script = [
    'set -e',
    'root=$1; user=$2; workdir=$3; shift 3',
    `exec >${JSON.stringify(fifo)} 2>&1`,
    'mount --bind "$root" "$root"',
    'mount -o remount,bind,ro "$root"',
    'mount -t tmpfs -o size=64m,mode=1777 tmpfs "$root/tmp"',
    ...Object.entries(tmpFiles).map(([name, host]) => `install -m 0644 ${JSON.stringify(host)} "$root/tmp/"${JSON.stringify(name)}`),
    'mount -t proc proc "$root/proc"',
    'mount --rbind /dev "$root/dev"',
    // env -i: the image's ENV plus the pod's variables, nothing of this test process.
    'exec chroot --userspec="$user" "$root" /bin/sh -c \'cd "$0" && exec /usr/bin/env -i "$@"\' "$workdir" "$@"',
  ].join('\n')
  const child = spawn(
    'unshare',
    ['--mount', '--propagation', 'private', 'sh', '-c', script, 'sh', root, userspec, config.WorkingDir ?? '/', ...environment, ...entrypoint],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  return {
    child,
    output: reader.stdout,
    remove: async () => {
      if (reader.exitCode === null) reader.kill()
      await rm(fifoDir, { recursive: true, force: true })
      await buildah(['umount', id])
      await buildah(['rm', id])
    },
  }
}
