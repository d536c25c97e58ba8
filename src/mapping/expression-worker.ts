/**
 * The thread slow JSONata evaluations run on (see expression-pool.ts). It compiles each
 * expression once and answers one request at a time; the pool stops the whole thread when an
 * evaluation overruns its deadline, so nothing here needs to be interruptible.
 */
import { parentPort } from 'node:worker_threads'
import type jsonata from 'jsonata'
import { parseJson } from '../sources/parse-body.ts'
import { describeFailure, parseJsonata, toPlain, type ExpressionLimits, type JsonataFailure } from './run-jsonata.ts'

export interface EvaluationRequest {
  id: number
  text: string
  limits: ExpressionLimits
  input: unknown
  /** Properties of `input` sent as their JSON text (see sources/json-text-of.ts), parsed here. */
  jsonTexts?: Record<string, string>
}

/** The first message of a thread: it has loaded and takes requests. */
export const READY = 'ready'

export type EvaluationReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; failure: JsonataFailure }

const compiled = new Map<string, jsonata.Expression>()
const MAX_CACHED = 1000

function expressionFor(text: string, limits: ExpressionLimits): jsonata.Expression {
  const key = `${limits.timeoutMs}/${limits.maxStackDepth}/${limits.maxSequenceLength}/${text}`
  let expr = compiled.get(key)
  if (!expr) {
    // a reload may bring new texts; the old ones are dropped rather than kept forever
    if (compiled.size >= MAX_CACHED) compiled.clear()
    expr = parseJsonata(text, limits)
    compiled.set(key, expr)
  }
  return expr
}

/** The input as the main thread had it: each property sent as text is parsed back in its place. */
function inputOf(request: EvaluationRequest): unknown {
  if (!request.jsonTexts) return request.input
  const input = request.input as Record<string, unknown>
  for (const [key, text] of Object.entries(request.jsonTexts)) input[key] = parseJson(text)
  return input
}

async function evaluate(request: EvaluationRequest): Promise<EvaluationReply> {
  try {
    const value: unknown = await expressionFor(request.text, request.limits).evaluate(inputOf(request))
    return { id: request.id, ok: true, value: toPlain(value) }
  } catch (err) {
    return { id: request.id, ok: false, failure: describeFailure(err) }
  }
}

const port = parentPort
if (port) {
  port.on('message', (request: EvaluationRequest) => {
    void evaluate(request).then((reply) => port.postMessage(reply))
  })
  port.postMessage(READY)
}
