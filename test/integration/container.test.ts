import { execFile } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { ROOT, runCli } from '../helpers/run-cli.ts'

/** No container engine here: Debian's docker-compose validates the file (.ci/run installs it). */
function compose(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('docker-compose', args, { cwd: ROOT, env: { ...process.env, COMPOSE_PROJECT_NAME: 'hookyard-test', ...env } }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 127
      resolve({ code, stdout, stderr: code === 127 ? `docker-compose not found (apt-get install docker-compose): ${stderr}` : stderr })
    })
  })
}

/** The instructions of the Dockerfile's last stage, continuation lines joined. */
function finalStage(): string[] {
  const lines = readFileSync(join(ROOT, 'Dockerfile'), 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
  const from = lines.findLastIndex((l) => l.startsWith('FROM '))
  return lines.slice(from)
}

function imageEnv(): Record<string, string> {
  const env: Record<string, string> = {}
  for (const line of finalStage().filter((l) => l.startsWith('ENV '))) {
    for (const [, key, value] of line.slice(4).matchAll(/([A-Z_]+)=(\S+)/g)) {
      env[key ?? ''] = value ?? ''
    }
  }
  return env
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(strings)
  return []
}

describe('container image and compose file', () => {
  it('docker-compose config accepts docker-compose.yml, with and without the scale profile', async () => {
    const plain = await compose(['config'])
    expect(plain.stderr).not.toMatch(/invalid|error/i)
    expect(plain.code).toBe(0)
    const config = parse(plain.stdout) as { services: Record<string, { build?: unknown; command?: string[]; environment?: Record<string, string>; volumes?: string[] }> }
    const { redis, hookyard } = config.services
    expect(redis?.command).toEqual(expect.arrayContaining(['--appendonly', 'yes', '--maxmemory-policy', 'noeviction']))
    expect(hookyard?.build).toBeDefined()
    expect(hookyard?.environment?.['REDIS_URL']).toBe('redis://redis:6379')
    expect(hookyard?.volumes?.some((v) => v.endsWith(':/rules:ro'))).toBe(true)

    const scale = await compose(['--profile', 'scale', 'config', '--services'])
    expect(scale.code).toBe(0)
    expect(scale.stdout.split('\n')).toEqual(expect.arrayContaining(['ingest', 'worker', 'lb']))
  })

  it('passes every variable the shipped rule files name into the container', async () => {
    const { stdout } = await compose(['config'])
    const environment = (parse(stdout) as { services: { hookyard: { environment: Record<string, string> } } }).services.hookyard.environment
    const names = new Set<string>()
    for (const file of readdirSync(join(ROOT, 'rules')).filter((f) => /^[^_].*\.ya?ml$/.test(f))) {
      // values only: comments mention ${NAME} too
      for (const value of strings(parse(readFileSync(join(ROOT, 'rules', file), 'utf8')))) {
        for (const [, name] of value.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)) {
          names.add(name ?? '')
        }
      }
    }
    expect(names.size).toBeGreaterThan(0)
    expect(Object.keys(environment)).toEqual(expect.arrayContaining([...names]))
  })

  it('passes HOOKYARD_PUBLIC_URL through to every hookyard service, empty (notifications without links) when unset', async () => {
    type Services = Record<string, { environment?: Record<string, string> }>
    const servicesOf = async (env: Record<string, string>): Promise<Services> =>
      (parse((await compose(['--profile', 'scale', 'config'], env)).stdout) as { services: Services }).services
    const url = 'https://hookyard.example.com'
    const set = await servicesOf({ HOOKYARD_PUBLIC_URL: url })
    for (const name of ['hookyard', 'ingest', 'worker']) {
      expect(set[name]?.environment?.['HOOKYARD_PUBLIC_URL']).toBe(url)
    }
    // `${HOOKYARD_PUBLIC_URL:-}` reads unset and empty alike; hookyard takes an empty value as unset
    const unset = await servicesOf({ HOOKYARD_PUBLIC_URL: '' })
    expect(unset['hookyard']?.environment?.['HOOKYARD_PUBLIC_URL']).toBe('')
  })

  it('the final stage installs production dependencies only, runs as non-root and checks /healthz', () => {
    const stage = finalStage()
    expect(stage.some((l) => /^RUN npm ci .*--omit=dev/.test(l))).toBe(true)
    expect(stage.some((l) => l.startsWith('COPY --from=build /app/dist'))).toBe(true)
    const user = stage.filter((l) => l.startsWith('USER ')).at(-1)
    expect(user).toBeDefined()
    expect(user).not.toMatch(/^USER (root|0)\b/)
    expect(stage.find((l) => l.startsWith('HEALTHCHECK '))).toContain('/healthz')
    expect(imageEnv()).toMatchObject({ RULES_DIR: '/rules', HOOKYARD_REQUIRE_REDIS_URL: '1' })
  })

  it('with the image environment, serve refuses to start without REDIS_URL and says so', async () => {
    const result = await runCli(['serve'], { ...imageEnv(), RULES_DIR: join(ROOT, 'rules'), REDIS_URL: undefined, HOOKYARD_DATA_DIR: undefined })
    expect(result.code).toBe(78)
    expect(result.stderr).toContain('REDIS_URL: required here')
    expect(result.stderr).toContain('set REDIS_URL=redis://')
  })
})
