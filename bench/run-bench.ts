/**
 * `npm run bench`: measures, in one run on this machine, the CLI's start-up cost, hookyard's durable
 * ingest beside three baselines (a bare Hono server reading the body; a naive durable Hono server
 * that checks the signature and does one XADD; adnanh/webhook when installed), end to end under a
 * flood (deliveries/s against the accept rate), trigger latency at a steady rate, the mapping cost
 * per event and RSS under load. req/s swing with a shared machine's load, so beside them it prints
 * what does not: CPU, Redis memory and AOF bytes per event, and the ratios between the servers. The
 * CPU slices add a floor: the naive server that also parses and compresses each body, the work a
 * routing relay cannot skip, so hookyard's own overhead shows apart. Writes every figure as JSON (BENCH_OUT).
 * BENCH_ONLY=startup measures the start-up section alone.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { startRedisServer } from '../src/embedded-redis.ts'
import { githubBranchPush } from '../test/helpers/fixtures.ts'
import { signGithub } from '../test/helpers/sign.ts'
import { buildDist } from '../test/helpers/build-dist.ts'
import { BENCH_SECRET, benchRules } from './bench-rules.ts'
import { describeEndToEnd, measureEndToEnd } from './end-to-end.ts'
import { runLoad, type LoadResult } from './load.ts'
import { measureMappingCost } from './mapping-cost.ts'
import { describeInterleavedCpu, interleavedCpu } from './interleaved-cpu.ts'
import { accepted, DurableStore, measured, type RunFigures } from './measured-run.ts'
import { startProcess } from './processes.ts'
import { startRecordingTarget } from './recording-target.ts'
import { measureStartup } from './startup.ts'
import { describeTriggerLatency, measureTriggerLatency } from './trigger-latency.ts'
import { startWebhook, WEBHOOK_MISSING } from './webhook-baseline.ts'

const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 32)
const DURATION_SEC = Number(process.env['BENCH_DURATION'] ?? 10)
const OUT = process.env['BENCH_OUT'] ?? 'bench-results.json'
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3)
/** end to end: how long the flood lasts, whatever BENCH_DURATION is */
const E2E_DURATION_SEC = Number(process.env['BENCH_E2E_DURATION'] ?? 5)
/** trigger latency: a steady rate (requests/s) for this many seconds */
const LATENCY_RATE = Number(process.env['BENCH_LATENCY_RATE'] ?? 50)
const LATENCY_DURATION_SEC = Number(process.env['BENCH_LATENCY_DURATION'] ?? 10)
const ONLY = process.env['BENCH_ONLY']
/** CPU per event: naive and hookyard take turns for this many slices of this many seconds each */
const CPU_SLICES = Number(process.env['BENCH_CPU_SLICES'] ?? 6)
const CPU_SLICE_SEC = Number(process.env['BENCH_CPU_SLICE_SEC'] ?? 2)

const body = JSON.stringify(githubBranchPush())
const headers = {
  'content-type': 'application/json',
  'x-github-event': 'push',
  'x-hub-signature-256': signGithub(BENCH_SECRET, body),
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'hookyard-bench-'))
  // one Redis for the ingest rounds, one (same flags) for the naive durable baseline; end to end and
  // trigger latency start fresh ones of their own (bench/fresh-relay.ts)
  const redis = await startRedisServer({ dir: join(work, 'redis') })
  const naiveRedis = await startRedisServer({ dir: join(work, 'redis-naive') })
  const floorRedis = await startRedisServer({ dir: join(work, 'redis-floor') })
  const target = await startRecordingTarget()
  const rulesDir = join(work, 'rules')
  const rulesText = benchRules(target.url)
  mkdirSync(rulesDir, { recursive: true })
  writeFileSync(join(rulesDir, 'bench.yaml'), rulesText)
  const env = { RULES_DIR: rulesDir, BENCH_SECRET, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info' }
  const load = (port: number, durationSec = DURATION_SEC): Promise<LoadResult> =>
    runLoad({ url: `http://127.0.0.1:${port}/hooks/github`, body, headers, connections: CONNECTIONS, durationSec })

  try {
    log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`)
    await buildDist() // the spawned bin runs dist/
    const startup = await measureStartup(redis.url)
    log(
      `startup   node -e 0 ${startup.node_ms} ms, hookyard --version ${startup.version_ms} ms, check rules ${startup.check_ms} ms (medians of 5); ` +
        `serve: listening after ${startup.serve_listening_ms} ms, RSS ${startup.serve_started_rss_mib} MiB 3 s after, ${startup.serve_idle_rss_mib} MiB idle (${startup.serve_idle_rss_file_mib} MiB of it file-backed)`
    )
    if (ONLY === 'startup') {
      writeFileSync(OUT, `${JSON.stringify({ startup }, null, 2)}\n`)
      log(`wrote ${OUT}`)
      return
    }
    log(`payload: ${body.length} bytes GitHub push, ${CONNECTIONS} connections, ${DURATION_SEC} s per run`)

    // the machine's speed drifts (shared hosts): the servers take turns, and the round with the
    // median ingest rate is reported, with the baselines measured right before it
    const bare = await startProcess(['--import', 'tsx', 'bench/bare-hono-server.ts'], {}, 'listening')
    const naive = await startProcess(['--import', 'tsx', 'bench/naive-durable-server.ts'], { REDIS_URL: naiveRedis.url, BENCH_SECRET }, 'listening')
    const floor = await startProcess(['--import', 'tsx', 'bench/naive-durable-server.ts'], { REDIS_URL: floorRedis.url, BENCH_SECRET, NAIVE_FLOOR: '1' }, 'listening')
    const ingest = await startProcess(['bin/hookyard.js', 'serve', '--role', 'ingest'], { ...env, REDIS_URL: redis.url, HOOKYARD_PREFIX: 'bench-ingest' }, 'hookyard listening')
    const webhook = await startWebhook(work, BENCH_SECRET)
    if (!webhook) log(WEBHOOK_MISSING)
    const ingestStore = new DurableStore(redis, join(work, 'redis'))
    const naiveStore = new DurableStore(naiveRedis, join(work, 'redis-naive'))
    const floorStore = new DurableStore(floorRedis, join(work, 'redis-floor'))
    await Promise.all([ingestStore, naiveStore, floorStore].map((store) => store.storage.holdRewrites()))
    // warm-up
    await load(bare.port)
    naiveStore.stored += accepted(await load(naive.port))
    floorStore.stored += accepted(await load(floor.port, CPU_SLICE_SEC))
    ingestStore.stored += accepted(await load(ingest.port))
    if (webhook) await load(webhook.port)
    const rounds: Round[] = []
    for (let i = 1; i <= ROUNDS; i++) {
      const bareRun = await measured(bare, () => load(bare.port))
      const naiveRun = await measured(naive, () => load(naive.port), naiveStore)
      const ingestRun = await measured(ingest, () => load(ingest.port), ingestStore)
      const webhookRun = webhook ? await measured(webhook, () => load(webhook.port)) : null
      const ratio = ingestRun.load.requestsPerSec / bareRun.load.requestsPerSec
      rounds.push({ bare: bareRun, naive: naiveRun, ingest: ingestRun, webhook: webhookRun, ratio })
      log(
        `round ${i}/${ROUNDS}   baseline ${bareRun.load.requestsPerSec} req/s, ingest ${ingestRun.load.requestsPerSec} req/s (${ratio.toFixed(2)} x), ` +
          `naive durable ${naiveRun.load.requestsPerSec} req/s${webhookRun ? `, adnanh webhook ${webhookRun.load.requestsPerSec} req/s` : ''}`
      )
    }
    const slices = await interleavedCpu(
      {
        naive: () => measured(naive, () => load(naive.port, CPU_SLICE_SEC), naiveStore),
        floor: () => measured(floor, () => load(floor.port, CPU_SLICE_SEC), floorStore),
        ingest: () => measured(ingest, () => load(ingest.port, CPU_SLICE_SEC), ingestStore),
      },
      CPU_SLICES,
      rounds
    )
    log(describeInterleavedCpu(slices, CPU_SLICE_SEC))
    const round = medianRound(rounds)
    const { ratio } = round
    const { load: baseline, cpu: baselineCpu } = round.bare
    const { load: acceptedRun, cpu: ingestCpu } = round.ingest
    const ingestRss = ingest.rssMiB()
    await Promise.all([bare.stop(), naive.stop(), floor.stop(), ingest.stop(), webhook?.stop()])
    log(`baseline  bare Hono reading the body: ${baseline.requestsPerSec} req/s, p99 ${baseline.p99Ms} ms; CPU per request: server ${baselineCpu.server} us, load generator ${baselineCpu.loadGenerator} us`)
    log(`ingest    hookyard durable accept: ${acceptedRun.requestsPerSec} req/s (${ratio.toFixed(2)} x baseline), p50 ${acceptedRun.p50Ms} ms, p99 ${acceptedRun.p99Ms} ms, non-2xx ${acceptedRun.non2xx}, errors ${acceptedRun.errors}`)
    log(`cpu       per accepted request: hookyard ${ingestCpu.server} us, redis ${ingestCpu.redis} us (no AOF rewrite during the run), load generator ${ingestCpu.loadGenerator} us`)
    log(`memory    hookyard RSS under load: ${ingestRss.now} MiB (peak ${ingestRss.peak} MiB)`)
    const naiveRun = round.naive
    log(
      `naive     durable Hono (HMAC check, one XADD of the body, 202 after the write): ${naiveRun.load.requestsPerSec} req/s, p50 ${naiveRun.load.p50Ms} ms, p99 ${naiveRun.load.p99Ms} ms, ` +
        `non-2xx ${naiveRun.load.non2xx}; CPU per accepted request: server ${naiveRun.cpu.server} us, redis ${naiveRun.cpu.redis} us`
    )
    const webhookRun = round.webhook
    if (webhookRun) {
      log(
        `webhook   adnanh/webhook (HMAC rule, runs /bin/true, stores nothing): ${webhookRun.load.requestsPerSec} req/s, p50 ${webhookRun.load.p50Ms} ms, p99 ${webhookRun.load.p99Ms} ms, ` +
          `non-2xx ${webhookRun.load.non2xx}; CPU per request: server ${webhookRun.cpu.server} us (its /bin/true runs included)`
      )
    }
    const ingestStorage = round.ingest.storage
    const naiveStorage = naiveRun.storage
    if (!ingestStorage || !naiveStorage) throw new Error('the durable runs carry storage figures')
    log(
      `storage   per accepted event: hookyard Redis memory ${ingestStorage.memory} B, AOF ${ingestStorage.aof} B; ` +
        `naive durable Redis memory ${naiveStorage.memory} B, AOF ${naiveStorage.aof} B (payload ${body.length} B)`
    )
    const rewrite = { ingest: await ingestStore.rewriteCpu(), naive: await naiveStore.rewriteCpu() }
    log(`rewrite   one AOF rewrite, Redis CPU per stored event: hookyard ${rewrite.ingest} us (${ingestStore.stored} events), naive durable ${rewrite.naive} us (${naiveStore.stored} events)`)
    await Promise.all([ingestStore, naiveStore, floorStore].map((store) => store.close()))
    const ratios = {
      ingest_to_naive: {
        req_per_sec: ratioOf(acceptedRun.requestsPerSec, naiveRun.load.requestsPerSec),
        // the least of the interleaved slices: a shared VM's stolen time only ever adds CPU time
        cpu_per_event: slices.ratio,
        cpu_per_event_median_round: ratioOf(ingestCpu.server + ingestCpu.redis, naiveRun.cpu.server + naiveRun.cpu.redis),
        redis_memory_per_event: ratioOf(ingestStorage.memory, naiveStorage.memory),
        aof_bytes_per_event: ratioOf(ingestStorage.aof, naiveStorage.aof),
      },
      // the same slices: what parsing and compressing each body cost on their own, and what hookyard adds to them
      floor_to_naive: { cpu_per_event: slices.floor_ratio },
      ingest_to_floor: { cpu_per_event: slices.ingest_to_floor },
      ingest_to_bare: { req_per_sec: ratioOf(acceptedRun.requestsPerSec, baseline.requestsPerSec), cpu_per_request: ratioOf(ingestCpu.server, baselineCpu.server) },
      webhook_to_ingest: webhookRun
        ? { req_per_sec: ratioOf(webhookRun.load.requestsPerSec, acceptedRun.requestsPerSec), cpu_per_event: ratioOf(webhookRun.cpu.server, ingestCpu.server + ingestCpu.redis) }
        : null,
    }
    const n = ratios.ingest_to_naive
    log(
      `ratios    hookyard / naive durable: req/s ${n.req_per_sec} x, CPU per event (server + redis, least of the slices) ${n.cpu_per_event} x (median round ${n.cpu_per_event_median_round} x; the floor ${ratios.floor_to_naive.cpu_per_event} x), Redis memory per event ${n.redis_memory_per_event} x, AOF bytes per event ${n.aof_bytes_per_event} x; ` +
        `hookyard / bare Hono: req/s ${ratios.ingest_to_bare.req_per_sec} x, server CPU per request ${ratios.ingest_to_bare.cpu_per_request} x` +
        (ratios.webhook_to_ingest ? `; adnanh webhook / hookyard: req/s ${ratios.webhook_to_ingest.req_per_sec} x, CPU per request (all its processes) ${ratios.webhook_to_ingest.cpu_per_event} x` : '')
    )

    await Promise.all([redis, naiveRedis, floorRedis].map((server) => server.stop()))
    const endToEnd = await measureEndToEnd({ work, env, target, floodSec: E2E_DURATION_SEC, flood: load })
    log(describeEndToEnd(endToEnd))
    const latency = await measureTriggerLatency({ work, env, target, body, headers, ratePerSec: LATENCY_RATE, durationSec: LATENCY_DURATION_SEC })
    log(describeTriggerLatency(latency))

    const mappingUs = await measureMappingCost(rulesText, { BENCH_SECRET }, body, 5000)
    log(`mapping   parse + normalize + when + map + request: ${mappingUs.toFixed(1)} us per event`)

    const results = {
      machine: { cpus: cpus().length, model: cpus()[0]?.model, memory_gib: Math.round(totalmem() / 2 ** 30), node: process.version },
      settings: {
        connections: CONNECTIONS,
        duration_sec: DURATION_SEC,
        rounds: ROUNDS,
        payload_bytes: body.length,
        e2e_duration_sec: E2E_DURATION_SEC,
        latency_rate: LATENCY_RATE,
        latency_duration_sec: LATENCY_DURATION_SEC,
      },
      startup,
      rounds: rounds.map((r) => ({
        baseline_req_per_sec: r.bare.load.requestsPerSec,
        ingest_req_per_sec: r.ingest.load.requestsPerSec,
        ratio: Number(r.ratio.toFixed(3)),
        naive_durable_req_per_sec: r.naive.load.requestsPerSec,
        webhook_req_per_sec: r.webhook?.load.requestsPerSec ?? null,
      })),
      baseline_bare_hono: { ...baseline, cpu_us_per_request: baselineCpu },
      ingest: {
        ...acceptedRun,
        ratio_to_baseline: Number(ratio.toFixed(3)),
        rss_mib: ingestRss,
        cpu_us_per_request: ingestCpu,
        redis_bytes_per_event: ingestStorage,
        aof_rewrite_cpu_us_per_stored_event: rewrite.ingest,
      },
      baseline_naive_durable: {
        ...naiveRun.load,
        cpu_us_per_request: naiveRun.cpu,
        redis_bytes_per_event: naiveStorage,
        aof_rewrite_cpu_us_per_stored_event: rewrite.naive,
      },
      baseline_adnanh_webhook: webhookRun ? { ...webhookRun.load, cpu_us_per_request: webhookRun.cpu } : null,
      cpu_slices: slices,
      ratios,
      end_to_end: endToEnd,
      trigger_latency: latency,
      mapping_us_per_event: Number(mappingUs.toFixed(2)),
    }
    writeFileSync(OUT, `${JSON.stringify(results, null, 2)}\n`)
    log(`wrote ${OUT}`)
  } finally {
    await target.close()
    await Promise.all([redis, naiveRedis, floorRedis].map((server) => server.stop()))
    rmSync(work, { recursive: true, force: true })
  }
}

interface Round {
  bare: RunFigures
  naive: RunFigures
  ingest: RunFigures
  webhook: RunFigures | null
  /** ingest / bare Hono, req/s */
  ratio: number
}

/** The round whose ingest rate is the median of all rounds. */
function medianRound(rounds: Round[]): Round {
  const sorted = [...rounds].sort((a, b) => a.ingest.load.requestsPerSec - b.ingest.load.requestsPerSec)
  const median = sorted[Math.floor((sorted.length - 1) / 2)]
  if (!median) throw new Error('BENCH_ROUNDS must be at least 1')
  return median
}

function ratioOf(a: number, b: number): number {
  return Number((a / b).toFixed(2))
}

function log(line: string): void {
  process.stdout.write(`${line}\n`)
}

await main()
