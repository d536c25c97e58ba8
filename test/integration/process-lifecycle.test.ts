import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.ts'
import { githubBranchPush } from '../helpers/fixtures.ts'
import { startHookyardProcess, writeRules, type HookyardProcess } from '../helpers/hookyard-process.ts'
import { embeddedRedisLock, redisServersFor } from '../helpers/redis-processes.ts'
import { ROOT, runCli } from '../helpers/run-cli.ts'
import { githubHeaders } from '../helpers/sign.ts'
import { waitUntil } from '../helpers/wait-until.ts'

const SECRET = 'lifecycle-secret-123'

function rulesTo(targetUrl: string): string {
  return writeRules({
    'r.yaml': `
sources:
  github: { type: github, secret: ${SECRET} }
targets:
  ci: { type: http, url: "${targetUrl}", timeout: 5s }
routes:
  - { name: all, source: github, to: ci, map: '{ "body": { "sha": push.sha } }' }
`,
  })
}

function freshDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'hookyard-life-'))
}

async function pushSigned(url: string): Promise<Response> {
  const body = JSON.stringify(githubBranchPush())
  return fetch(`${url}/hooks/github`, { method: 'POST', body, headers: githubHeaders(SECRET, 'push', body) })
}

function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((resolve) => child.once('exit', (code) => resolve(code)))
}

const cleanup: (() => unknown)[] = []
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn()
})

function track(target: CaptureServer | HookyardProcess): void {
  cleanup.push(() => ('stop' in target ? target.stop() : target.close()))
}

/** Never leave a redis-server of a test's data directory behind, whatever the test found. */
function reapRedis(dataDir: string): void {
  cleanup.push(() => {
    for (const pid of redisServersFor(dataDir)) process.kill(pid, 'SIGKILL')
  })
}

describe('process lifecycle with the embedded Redis', () => {
  it('Ctrl-C on `npm start` (SIGINT to the whole process group) exits within 5 s, without error lines or a redis-server left', async () => {
    const dataDir = freshDataDir()
    reapRedis(dataDir)
    const target = await startCaptureServer()
    track(target)
    // detached: its own process group, as a terminal's foreground job
    const child = spawn('npm', ['start', '--silent'], {
      cwd: ROOT,
      detached: true,
      env: { ...process.env, REDIS_URL: '', HOOKYARD_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', RULES_DIR: rulesTo(target.url) },
    })
    let output = ''
    child.stdout.on('data', (d: Buffer) => (output += d.toString()))
    child.stderr.on('data', (d: Buffer) => (output += d.toString()))
    cleanup.push(() => {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL')
    })
    await waitUntil(() => output.includes('"msg":"hookyard listening"'), 20_000, 'npm start to listen')
    const port = jsonLines(output).find((l) => l['msg'] === 'hookyard listening')!['port'] as number
    expect((await pushSigned(`http://127.0.0.1:${port}`)).status).toBe(202)
    await waitUntil(() => target.requests.length === 1, 10_000, 'the delivery')
    expect(redisServersFor(dataDir)).toHaveLength(1)

    const exited = exitOf(child)
    const t0 = Date.now()
    process.kill(-child.pid!, 'SIGINT')
    await exited
    const elapsed = Date.now() - t0
    expect(elapsed).toBeLessThan(5_000)
    const lines = jsonLines(output)
    expect(lines.filter((l) => (l['level'] as number) >= 50)).toEqual([])
    expect(lines.at(-1)?.['msg']).toBe('stopped')
    expect(redisServersFor(dataDir)).toEqual([])
  })

  it('a port taken by another server: exit 1 within 5 s with one fatal line, no redis-server left', async () => {
    const taken = createServer()
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
    cleanup.push(() => new Promise((resolve) => taken.close(resolve)))
    const dataDir = freshDataDir()
    reapRedis(dataDir)
    const res = await runCli(['serve', '--port', String((taken.address() as AddressInfo).port)], {
      REDIS_URL: '',
      HOOKYARD_DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      RULES_DIR: rulesTo('http://127.0.0.1:9/'),
    })
    const exitedAt = Date.now()
    expect(res.code).toBe(1)
    expect(res.stderr).toContain('EADDRINUSE')
    // from hookyard's first line, so the time node itself takes to boot on a loaded machine is left out
    const startedAt = jsonLines(res.stdout)[0]!['time'] as number
    expect(exitedAt - startedAt).toBeLessThan(5_000)
    const fatal = jsonLines(res.stdout).filter((l) => (l['level'] as number) >= 50)
    expect(fatal).toHaveLength(1)
    expect(fatal[0]!['msg']).toBe('start failed')
    expect(redisServersFor(dataDir)).toEqual([])
  })

  it('REDIS_URL unreachable: exit 1 within the 30 s wait plus 10 s, one fatal line, the connection error at most once per 10 s', { timeout: 60_000 }, async () => {
    const t0 = Date.now()
    const res = await runCli(['serve', '--port', '0'], { REDIS_URL: 'redis://127.0.0.1:1', HOST: '127.0.0.1', RULES_DIR: rulesTo('http://127.0.0.1:9/') })
    const elapsed = Date.now() - t0
    expect(res.code).toBe(1)
    expect(elapsed).toBeGreaterThanOrEqual(30_000)
    expect(elapsed).toBeLessThan(40_000)
    expect(res.stderr).toContain('cannot reach Redis at redis://127.0.0.1:1 within 30 s')
    const lines = jsonLines(res.stdout)
    expect(lines.filter((l) => (l['level'] as number) >= 50).map((l) => l['msg'])).toEqual(['start failed'])
    const connectionErrors = lines.filter((l) => l['msg'] === 'redis connection error')
    expect(connectionErrors.length).toBeGreaterThanOrEqual(1)
    expect(connectionErrors.length).toBeLessThanOrEqual(4)
    expect(connectionErrors[0]).toMatchObject({ connection: 'producer', suppressed: 0, total: 1 })
  })

  it('invalid rules keep exit code 78 and start no redis-server', async () => {
    const dataDir = freshDataDir()
    reapRedis(dataDir)
    const res = await runCli(['serve', '--port', '0'], { REDIS_URL: '', HOOKYARD_DATA_DIR: dataDir, RULES_DIR: writeRules({ 'r.yaml': 'sources: [' }) })
    expect(res.code).toBe(78)
    expect(redisServersFor(dataDir)).toEqual([])
  })

  it('ingest and worker started in one folder without REDIS_URL share one redis-server and deliver a signed push; the last to stop stops it', async () => {
    const dataDir = freshDataDir()
    reapRedis(dataDir)
    const target = await startCaptureServer()
    track(target)
    const env = { REDIS_URL: '', HOOKYARD_DATA_DIR: dataDir, RULES_DIR: rulesTo(target.url) }
    // started at the same moment: the data dir's lock decides which one starts the server
    const [ingest, worker] = await Promise.all([startHookyardProcess('ingest', env), startHookyardProcess('worker', env)])
    track(ingest)
    track(worker)
    expect(redisServersFor(dataDir)).toHaveLength(1)
    const said = (p: HookyardProcess, msg: string): boolean => p.logs().some((l) => String(l['msg']).startsWith(msg))
    const starter = said(ingest, 'embedded redis-server started') ? ingest : worker
    const joiner = starter === ingest ? worker : ingest
    expect(said(starter, 'embedded redis-server started')).toBe(true)
    expect(said(joiner, 'using the embedded redis-server already running for this folder')).toBe(true)

    expect((await pushSigned(ingest.url)).status).toBe(202)
    await waitUntil(() => target.requests.length === 1, 10_000, 'the delivery through the shared Redis')
    expect(JSON.parse(target.requests[0]!.body)).toEqual({ sha: githubBranchPush()['after'] })

    // the one that started it leaves first: the server stays for the other
    await starter.stop()
    expect(starter.child.exitCode).toBe(0)
    expect(redisServersFor(dataDir)).toHaveLength(1)
    expect((await fetch(`${joiner.url}/readyz`)).status).toBe(200)
    await joiner.stop()
    expect(joiner.child.exitCode).toBe(0)
    expect(redisServersFor(dataDir)).toEqual([])
  })

  it('a SIGKILLed hookyard restarted in the same folder reuses its orphaned redis-server: one per data dir, data kept', async () => {
    const dataDir = freshDataDir()
    reapRedis(dataDir)
    const target = await startCaptureServer()
    track(target)
    const env = { REDIS_URL: '', HOOKYARD_DATA_DIR: dataDir, RULES_DIR: rulesTo(target.url) }
    const first = await startHookyardProcess('all', env)
    track(first)
    const lock = embeddedRedisLock(join(dataDir, 'redis'))
    await first.kill()
    expect(redisServersFor(dataDir)).toEqual([lock.pid])

    const second = await startHookyardProcess('all', env)
    track(second)
    expect(redisServersFor(dataDir)).toEqual([lock.pid])
    expect(embeddedRedisLock(join(dataDir, 'redis'))).toEqual(lock)
    expect((await pushSigned(second.url)).status).toBe(202)
    await waitUntil(() => target.requests.length === 1, 10_000, 'the delivery')
    await second.stop()
    expect(second.child.exitCode).toBe(0)
    expect(redisServersFor(dataDir)).toEqual([])
  })

  it('a dead embedded redis-server while running is started again on its data and deliveries go on', async () => {
    const dataDir = freshDataDir()
    reapRedis(dataDir)
    const target = await startCaptureServer()
    track(target)
    const hy = await startHookyardProcess('all', { REDIS_URL: '', HOOKYARD_DATA_DIR: dataDir, RULES_DIR: rulesTo(target.url) })
    track(hy)
    expect((await pushSigned(hy.url)).status).toBe(202)
    await waitUntil(() => target.requests.length === 1, 10_000, 'the first delivery')

    const before = embeddedRedisLock(join(dataDir, 'redis'))
    process.kill(before.pid, 'SIGKILL')
    await waitUntil(() => hy.logs().some((l) => l['msg'] === 'embedded redis-server exited; started it again on its data'), 10_000, 'the restart')
    const after = embeddedRedisLock(join(dataDir, 'redis'))
    expect(after.port).toBe(before.port)
    expect(after.pid).not.toBe(before.pid)
    expect(redisServersFor(dataDir)).toEqual([after.pid])

    await waitUntil(async () => (await fetch(`${hy.url}/readyz`)).status === 200, 10_000, 'ready again')
    expect((await pushSigned(hy.url)).status).toBe(202)
    await waitUntil(() => target.requests.length === 2, 15_000, 'a delivery after the restart')
    await hy.stop()
    expect(hy.child.exitCode).toBe(0)
    expect(redisServersFor(dataDir)).toEqual([])
  })
})
