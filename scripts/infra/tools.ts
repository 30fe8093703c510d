/** Checks for the external programs the local Kafka needs, with one-line install hints. */
import { spawnSync } from 'node:child_process'
import { InfraError } from './errors.js'

const OR_BROKERS = 'or set KAFKA_BROKERS to an existing Kafka'

/** Major version from `java -version` output: `version "17.0.15"` -> 17, `version "1.8.0_372"` -> 8. */
export function parseJavaMajor(output: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(output)
  if (match?.[1] === undefined) return undefined
  const first = Number(match[1])
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first
}

export function checkJava(env: NodeJS.ProcessEnv = process.env): number {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8', env })
  if (result.error !== undefined) {
    throw new InfraError(`java not found: install Java 17+ (e.g. \`apt-get install -y openjdk-17-jre-headless\`) ${OR_BROKERS}`)
  }
  const major = parseJavaMajor(`${result.stderr}${result.stdout}`)
  if (major === undefined || major < 17) {
    throw new InfraError(
      `Java ${major ?? '(unknown version)'} found but Kafka 4 needs Java 17+: install it (e.g. \`apt-get install -y openjdk-17-jre-headless\`) ${OR_BROKERS}`,
    )
  }
  return major
}

export function checkMaven(env: NodeJS.ProcessEnv = process.env): void {
  const result = spawnSync('mvn', ['--version'], { encoding: 'utf8', env })
  if (result.error !== undefined || result.status !== 0) {
    throw new InfraError(
      `mvn not found (needed once to fetch the Kafka jars from Maven Central): install Maven (e.g. \`apt-get install -y maven\`) ${OR_BROKERS}`,
    )
  }
}
