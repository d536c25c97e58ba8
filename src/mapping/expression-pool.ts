import type * as esbuild from 'esbuild'
import { availableParallelism } from 'node:os'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { ExpressionError } from '../errors.ts'
import { jsonTextOf } from '../sources/json-text-of.ts'
import { READY, type EvaluationReply, type EvaluationRequest } from './expression-worker.ts'
import type { ExpressionLimits, JsonataFailure } from './run-jsonata.ts'

/**
 * Slow JSONata evaluations (anything outside fast-expression.ts's subset) run on worker threads.
 * JSONata's own timeout is only checked between evaluation steps, so a built-in such as `$sort`
 * or `$spread` over a large payload array runs on for seconds once started; on the event loop that
 * would stop every request, health check and signal handler. Here a thread that overruns its
 * deadline is terminated and replaced, and the evaluation fails with `D1012`.
 */

/** Evaluations waiting for a thread beyond this are refused: a flood of slow payloads stays bounded. */
const MAX_WAITING = 1000
/** Memory a thread may use: a runaway `$pad` or `$string` of a huge value ends its thread, not the process. */
const THREAD_HEAP_MB = 256

interface Job {
  request: EvaluationRequest
  resolve: (value: unknown) => void
  reject: (err: Error) => void
}

interface Slot {
  worker: Worker
  /** false until the thread has loaded: start-up time must not count against an evaluation's deadline */
  ready: boolean
  job: Job | null
  timer: NodeJS.Timeout | null
}

export interface ExpressionPool {
  evaluate(text: string, limits: ExpressionLimits, input: unknown): Promise<unknown>
  /** Stops every thread; evaluations in progress or waiting fail. */
  close(): Promise<void>
}

export function createExpressionPool(size = Math.max(1, Math.min(2, availableParallelism()))): ExpressionPool {
  const slots: Slot[] = []
  const waiting: Job[] = []
  let nextId = 1
  let closed = false

  const spawn = (): Slot => {
    const slot: Slot = { worker: startWorker(), ready: false, job: null, timer: null }
    slot.worker.unref()
    slot.worker.on('message', (reply: EvaluationReply | typeof READY) => (reply === READY ? started(slot) : finish(slot, reply)))
    slot.worker.on('error', (err) => drop(slot, threadFailure(err)))
    slot.worker.on('exit', () => drop(slot, new ExpressionError('EXPRESSION_FAILED', 'expression evaluation thread exited', {})))
    slots.push(slot)
    return slot
  }

  const dispatch = (): void => {
    while (waiting.length > 0) {
      const slot = slots.find((s) => s.ready && s.job === null)
      if (!slot) {
        // a thread still loading will ask for work when it is ready
        if (slots.length < size && !slots.some((s) => !s.ready)) spawn().worker.ref()
        return
      }
      const job = waiting.shift() as Job
      slot.job = job
      // a busy thread keeps the process alive (a CLI run waits for its answer); an idle one does not
      slot.worker.ref()
      slot.timer = setTimeout(() => overrun(slot), job.request.limits.deadlineMs)
      slot.worker.postMessage(job.request)
    }
  }

  const release = (slot: Slot): Job | null => {
    const job = slot.job
    if (slot.timer) clearTimeout(slot.timer)
    slot.job = null
    slot.timer = null
    return job
  }

  const started = (slot: Slot): void => {
    slot.ready = true
    slot.worker.unref()
    dispatch()
  }

  const finish = (slot: Slot, reply: EvaluationReply): void => {
    const job = release(slot)
    slot.worker.unref()
    if (job) {
      if (reply.ok) job.resolve(reply.value)
      else job.reject(evaluationError(reply.failure))
    }
    dispatch()
  }

  /** Removes a thread that is gone or being stopped; its evaluation, if any, fails with `err`. */
  const drop = (slot: Slot, err: Error): void => {
    const index = slots.indexOf(slot)
    if (index === -1) return
    slots.splice(index, 1)
    release(slot)?.reject(err)
    if (!closed) dispatch()
  }

  const overrun = (slot: Slot): void => {
    const ms = slot.job?.request.limits.deadlineMs ?? 0
    drop(slot, new ExpressionError('EXPRESSION_FAILED', `D1012: Expression evaluation stopped after ${ms} ms (deadline)`, { jsonataCode: 'D1012' }))
    void slot.worker.terminate()
  }

  return {
    evaluate(text, limits, input) {
      if (closed) {
        return Promise.reject(new ExpressionError('EXPRESSION_FAILED', 'expression evaluation is shut down', {}))
      }
      if (waiting.length >= MAX_WAITING) {
        return Promise.reject(new ExpressionError('EXPRESSION_FAILED', `too many slow expressions waiting (${MAX_WAITING}); try again later`, {}))
      }
      return new Promise((resolve, reject) => {
        waiting.push({ request: { id: nextId++, text, limits, ...packInput(input) }, resolve, reject })
        dispatch()
      })
    },
    async close() {
      closed = true
      const stopped = new ExpressionError('EXPRESSION_FAILED', 'expression evaluation is shut down', {})
      for (const job of waiting.splice(0)) job.reject(stopped)
      await Promise.all(
        [...slots].map((slot) => {
          drop(slot, stopped)
          return slot.worker.terminate()
        })
      )
    },
  }
}

/**
 * The input as it is posted to a thread: a large parsed body goes as the text it came from, so
 * the event loop copies one string instead of structured-cloning a big object graph. The key
 * stays in place (as null) so the thread rebuilds the object with the same key order.
 */
function packInput(input: unknown): Pick<EvaluationRequest, 'input' | 'jsonTexts'> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { input }
  let jsonTexts: Record<string, string> | undefined
  for (const [key, value] of Object.entries(input)) {
    const text = jsonTextOf(value)
    if (text !== undefined) (jsonTexts ??= {})[key] = text
  }
  if (!jsonTexts) return { input }
  const shallow: Record<string, unknown> = { ...input }
  for (const key of Object.keys(jsonTexts)) shallow[key] = null
  return { input: shallow, jsonTexts }
}

function evaluationError(failure: JsonataFailure): ExpressionError {
  return new ExpressionError('EXPRESSION_FAILED', `${failure.code ?? 'D0000'}: ${failure.message ?? 'evaluation failed'}`, {
    jsonataCode: failure.code,
    position: failure.position,
    cause: failure,
  })
}

function threadFailure(err: Error): ExpressionError {
  const outOfMemory = (err as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY'
  const message = outOfMemory ? `expression evaluation ran out of memory (${THREAD_HEAP_MB} MB)` : `expression evaluation failed: ${err.message}`
  return new ExpressionError('EXPRESSION_FAILED', message, { cause: err })
}

const resourceLimits = { maxOldGenerationSizeMb: THREAD_HEAP_MB }

/**
 * Compiled, the thread's module sits beside this one (dist/mapping/, and the bundle, where the
 * build makes it an entry point). Run from the TypeScript sources (tests, tsx), a worker cannot
 * load .ts files, so the module is bundled to plain JavaScript in memory, once per process.
 */
function startWorker(): Worker {
  const here = import.meta.url
  if (!here.endsWith('.ts')) {
    return new Worker(new URL('./expression-worker.js', here), { resourceLimits })
  }
  return new Worker(bundledSource(new URL('./expression-worker.ts', here)), { eval: true, resourceLimits })
}

let source: string | null = null

function bundledSource(entry: URL): string {
  if (source === null) {
    // createRequire keeps esbuild (a development dependency) out of the compiled package's imports
    const { buildSync } = createRequire(import.meta.url)('esbuild') as typeof esbuild
    const out = buildSync({ entryPoints: [fileURLToPath(entry)], bundle: true, write: false, format: 'cjs', platform: 'node', target: 'node20', logLevel: 'silent' })
    source = out.outputFiles[0]?.text ?? ''
  }
  return source
}
