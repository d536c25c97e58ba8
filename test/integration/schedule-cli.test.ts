import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { writeRules } from '../helpers/hookyard-process.ts'
import { runCli } from '../helpers/run-cli.ts'

const TOKEN = 'gitlab-trigger-SECRET-9999'

const NIGHTLY = `
sources:
  nightly:
    type: schedule
    cron: "30 0 * * *"
    timezone: Europe/Berlin
    body: { reason: nightly }
targets:
  gitlab-pipeline:
    type: gitlab
    url: https://gitlab.example.com
    project: "9"
    token: "\${GITLAB_TRIGGER_TOKEN}"
    api: v3
routes:
  - name: nightly-pipeline
    source: nightly
    when: body.reason = "nightly" and schedule.name = "nightly"
    to: [gitlab-pipeline]
    map: '{ "ref": "master", "variables": { "NIGHTLY": "1" } }'
`

const dirs: string[] = []
const rules = (text: string): string => {
  const dir = writeRules({ 'rules.yaml': text })
  dirs.push(dir)
  return dir
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

describe('schedules on the command line', () => {
  it('check lists the next fire times, at 00:30 Berlin time, as text and as JSON', async () => {
    const dir = rules(NIGHTLY)
    const text = await runCli(['check', dir], { GITLAB_TRIGGER_TOKEN: TOKEN })
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(/^schedule nightly: "30 0 \* \* \*" in Europe\/Berlin, next: /m)
    expect(text.stdout.match(/\(\d{4}-\d\d-\d\d 00:30:00 Europe\/Berlin\)/g)).toHaveLength(3)

    const json = await runCli(['check', dir, '--json'], { GITLAB_TRIGGER_TOKEN: TOKEN })
    expect(json.code).toBe(0)
    const report = JSON.parse(json.stdout) as { ok: boolean; schedules: { name: string; next_fires: string[] }[] }
    expect(report.ok).toBe(true)
    const [nightly] = report.schedules
    expect(nightly?.name).toBe('nightly')
    const fires = nightly!.next_fires.map((t) => Date.parse(t))
    expect(fires[0]).toBeGreaterThan(Date.now())
    expect(fires[0]! - Date.now()).toBeLessThanOrEqual(24 * 3600_000)
    for (const t of nightly!.next_fires) {
      // 00:30 local is 23:30 or 22:30 UTC, depending on daylight saving time
      expect(t).toMatch(/T2[23]:30:00\.000Z$/)
    }
  })

  it('check points at a bad cron and an unknown time zone with file:line:col', async () => {
    const dir = rules('sources:\n  nightly:\n    type: schedule\n    cron: "61 * * * *"\n    timezone: Mars/Olympus_Mons\n')
    const res = await runCli(['check', dir])
    expect(res.code).toBe(1)
    const file = join(dir, 'rules.yaml')
    expect(res.stdout).toContain(`${file}:4:11 source nightly: cron: invalid cron "61 * * * *"`)
    expect(res.stdout).toContain(`${file}:5:15 source nightly: timezone: unknown time zone "Mars/Olympus_Mons"`)
  })

  it('test --source <schedule> needs no payload and renders the GitLab request of the next tick, token masked', async () => {
    const dir = rules(NIGHTLY)
    const res = await runCli(['test', '--rules', dir, '--source', 'nightly'], { GITLAB_TRIGGER_TOKEN: TOKEN })
    expect(res.stderr).toBe('')
    expect(res.code).toBe(0)
    expect(res.stdout).toMatch(/^event {5}schedule$/m)
    expect(res.stdout).toMatch(/^delivery {2}nightly@\d{4}-\d\d-\d\dT2[23]:30:00\.000Z$/m)
    expect(res.stdout).toMatch(/^schedule {2}"30 0 \* \* \*" in Europe\/Berlin, tick \d{4}-\d\d-\d\dT2[23]:30:00\.000Z$/m)
    expect(res.stdout).toContain('[match] nightly-pipeline  matched')
    expect(res.stdout).toContain('POST https://gitlab.example.com/api/v3/projects/9/trigger/builds')
    expect(res.stdout).toContain('token = ***')
    expect(res.stdout).toContain('ref = master')
    expect(res.stdout).toContain('variables[NIGHTLY] = 1')
    expect(res.stdout).not.toContain(TOKEN)
  })
})
