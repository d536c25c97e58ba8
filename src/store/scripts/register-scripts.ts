import type { Redis } from 'ioredis'
import { ACCEPT_BATCH } from './accept-batch.ts'
import { FOLD, MARK_SENT, RECORD, RELEASE, SETTLE, TAKE } from './cooldown-scripts.ts'
import { ADD_DELIVERY, MARK_SUPERSEDED, NEXT_REPLAY, RECORD_ATTEMPT } from './delivery-scripts.ts'
import { ADMIT, COUNT_OUTCOME, DROP_PROBE, FREE_SLOT, PAUSE, RESUME } from './flow-scripts.ts'
import { SWEEP_STEP } from './sweep-step.ts'

/** Every script hookyard runs: how many of its arguments are keys, and its Lua. */
const DEFINITIONS = {
  acceptEvents: { keys: 4, lua: ACCEPT_BATCH },
  sweepStep: { keys: 3, lua: SWEEP_STEP },
  recordAttempt: { keys: 2, lua: RECORD_ATTEMPT },
  addDelivery: { keys: 3, lua: ADD_DELIVERY },
  nextReplay: { keys: 1, lua: NEXT_REPLAY },
  markSuperseded: { keys: 1, lua: MARK_SUPERSEDED },
  cooldownRecord: { keys: 3, lua: RECORD },
  cooldownTake: { keys: 2, lua: TAKE },
  cooldownFold: { keys: 1, lua: FOLD },
  cooldownMarkSent: { keys: 1, lua: MARK_SENT },
  cooldownRelease: { keys: 1, lua: RELEASE },
  cooldownSettle: { keys: 1, lua: SETTLE },
  flowAdmit: { keys: 4, lua: ADMIT },
  flowFreeSlot: { keys: 2, lua: FREE_SLOT },
  flowCountOutcome: { keys: 1, lua: COUNT_OUTCOME },
  flowDropProbe: { keys: 1, lua: DROP_PROBE },
  flowPause: { keys: 1, lua: PAUSE },
  flowResume: { keys: 1, lua: RESUME },
} as const

/** What each script answers, as ioredis decodes Lua replies (integers, strings, arrays, nil as null). */
interface Replies {
  acceptEvents: string[]
  sweepStep: number
  recordAttempt: number
  addDelivery: number
  nextReplay: number | null
  markSuperseded: number
  cooldownRecord: [gateTtl: number, foldedTarget: string, foldedId: string, foldedInto: string, pendingFolds: string[]]
  cooldownTake: [latest: string, seq: number, foldedTarget: string, foldedId: string, pendingFolds: string[]] | null
  cooldownFold: string
  cooldownMarkSent: number
  cooldownRelease: number
  cooldownSettle: number | 'OK'
  flowAdmit: [go: number, waitMs: number, reason: string]
  flowFreeSlot: string[]
  flowCountOutcome: [transition: string, pauseMs: number]
  flowDropProbe: number
  flowPause: number
  flowResume: number
}

type ScriptName = keyof typeof DEFINITIONS
export type ScriptArg = string | number | Buffer
type KeyList<N extends number, T extends string[] = []> = T['length'] extends N ? T : KeyList<N, [...T, string]>

/** One caller per script: its keys (as many as it declares), then its arguments. */
export type StoreScripts = {
  readonly [N in ScriptName]: (keys: KeyList<(typeof DEFINITIONS)[N]['keys']>, ...args: ScriptArg[]) => Promise<Replies[N]>
}

type Command = (...keysAndArgs: ScriptArg[]) => Promise<unknown>

const registered = new WeakMap<Redis, StoreScripts>()

/**
 * Defines every script on a connection once (ioredis `defineCommand`: EVALSHA, the script text is
 * sent only when Redis does not have it yet) and returns its callers. Every store module on the
 * same connection shares them.
 */
export function registerScripts(redis: Redis): StoreScripts {
  const known = registered.get(redis)
  if (known) return known
  const callers: Partial<Record<ScriptName, (keys: readonly string[], ...args: ScriptArg[]) => Promise<unknown>>> = {}
  for (const [name, { keys, lua }] of Object.entries(DEFINITIONS) as [ScriptName, { keys: number; lua: string }][]) {
    const command = `hookyard${name[0]!.toUpperCase()}${name.slice(1)}`
    redis.defineCommand(command, { numberOfKeys: keys, lua })
    const run = (redis as unknown as Record<string, Command>)[command]!.bind(redis)
    callers[name] = (keyList, ...args) => run(...keyList, ...args)
  }
  const scripts = callers as unknown as StoreScripts
  registered.set(redis, scripts)
  return scripts
}
