import type { Redis } from 'ioredis'
import type { RedisWait } from '../config.ts'

/** A write the primary took but fewer than REDIS_WAIT_REPLICAS replicas confirmed in time: the sender should retry. */
export class ReplicaWaitError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
  }
}

export interface ReplicaWait {
  /**
   * Resolves once enough replicas hold every write this connection made up to now; call it as soon
   * as the write's reply arrives (in the same turn, so the connection is still the one that wrote).
   * @throws ReplicaWaitError when too few replicas confirmed, or the connection changed in between
   */
  confirm(): Promise<void>
}

interface Waiter {
  /** the socket the write went over: a WAIT on another one says nothing about it */
  stream: unknown
  resolve: () => void
  reject: (err: unknown) => void
}

/**
 * Redis `WAIT` on the connection that wrote. WAIT covers every earlier write of its connection,
 * and a connection's replies come in the order of its commands: a write answered while a WAIT is
 * out was sent, and run, before that WAIT, so it joins it. At most one WAIT is out at a time.
 * That matters when replicas lag or are gone: Redis runs nothing else of the connection during a
 * WAIT, so one WAIT per write would queue them timeout after timeout, where here a write waits
 * for at most the WAIT its own script queued behind and the one after it (two timeouts).
 *
 * ioredis sends a command again after a reconnect (to a new primary after a failover); a WAIT
 * answered there counts replicas of writes made on that new connection only, so a WAIT is trusted
 * only for writes made over the socket it was sent and answered on.
 */
export function createReplicaWait(redis: Redis, { replicas, timeoutMs }: RedisWait): ReplicaWait {
  /** the writers covered by the WAIT that is out; null when none is */
  let group: Waiter[] | null = null

  const start = (first: Waiter): void => {
    const covered = [first]
    group = covered
    const stream: unknown = redis.stream
    const finish = (err: ReplicaWaitError | null): void => {
      group = null
      for (const w of covered) {
        if (err !== null) w.reject(err)
        else if (w.stream === stream) w.resolve()
        else w.reject(new ReplicaWaitError('the Redis connection changed between the write and its WAIT (a failover?); the write may not be on the new primary'))
      }
    }
    redis.wait(replicas, timeoutMs).then(
      (acknowledged) => {
        if (redis.stream !== stream) finish(new ReplicaWaitError('the Redis connection changed while waiting for the replicas (a failover?)'))
        else if (acknowledged < replicas) finish(new ReplicaWaitError(`only ${acknowledged} of the ${replicas} replicas REDIS_WAIT_REPLICAS asks for confirmed the write within ${timeoutMs} ms (REDIS_WAIT_TIMEOUT)`))
        else finish(null)
      },
      (err: unknown) => finish(new ReplicaWaitError(`WAIT for the replicas failed: ${(err as Error).message}`, { cause: err }))
    )
  }

  return {
    confirm() {
      return new Promise<void>((resolve, reject) => {
        const waiter = { stream: redis.stream, resolve, reject }
        if (group === null) start(waiter)
        else group.push(waiter)
      })
    },
  }
}
