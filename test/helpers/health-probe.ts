import { spawn } from 'node:child_process'

/**
 * Polls `url` every 10 ms from a separate process, on one warm keep-alive connection, until
 * stopped; returns each answer's latency in ms. A separate process, so the figures show the
 * server's event loop and not the test's own (which is busy sending a large body meanwhile).
 */
export async function startHealthProbe(url: string): Promise<{ stop(): Promise<number[]> }> {
  const script = `
    const { Agent, request } = require('node:http')
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    const once = () => new Promise((resolve, reject) => {
      const started = performance.now()
      request(process.argv[1], { agent }, (res) => { res.resume(); res.on('end', () => resolve(performance.now() - started)) }).on('error', reject).end()
    })
    let stopping = false
    process.stdin.on('end', () => (stopping = true)).resume()
    ;(async () => {
      for (let i = 0; i < 5; i++) await once()
      process.stdout.write('warm\\n')
      const ms = []
      while (!stopping) {
        ms.push(await once())
        await new Promise((r) => setTimeout(r, 10))
      }
      process.stdout.write(JSON.stringify(ms) + '\\n')
      agent.destroy()
    })()
  `
  const child = spawn(process.execPath, ['-e', script, url], { stdio: ['pipe', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`health probe exited early (${String(code)})`)))
    child.stdout.on('data', () => out.startsWith('warm') && resolve())
  })
  return {
    async stop() {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      child.stdin.end()
      await exited
      return JSON.parse(out.slice('warm\n'.length)) as number[]
    },
  }
}
