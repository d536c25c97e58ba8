import { readdir, readFile } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { parse } from 'yaml'
import * as z from 'zod'

/** Case files are YAML (a JSON file is YAML too); `_draft.yaml` and dotfiles are skipped. */
const CASE_FILE = /\.(ya?ml|json)$/i

const scalar = z.union([z.string(), z.number(), z.boolean()]).transform(String)
const stringMap = z.record(z.string(), scalar)

const expectedRequest = z
  .object({ method: z.string(), url: z.string(), headers: stringMap, body: z.unknown() })
  .partial()
  .strict()

/** What the CI system answered a real trigger with, pasted from its logs or docs. */
const recordedResponse = z
  .object({
    status: z.number().int().min(100).max(599).default(200),
    headers: stringMap.default({}),
    /** a string is the body as sent, anything else its JSON */
    body: z.unknown().default(''),
  })
  .strict()

const expectedBuild = z.object({ url: z.string(), id: scalar, number: scalar }).partial().strict()

const expectedDelivery = z
  .object({
    route: z.string().min(1),
    target: z.string().min(1),
    request: expectedRequest.optional(),
    /** the delivery's mapping error must contain this text */
    error: z.string().optional(),
    /** the target's answer: the case shows the build hookyard reads from it */
    response: recordedResponse.optional(),
    /** the build reference that must be read from `response` */
    build: expectedBuild.optional(),
  })
  .strict()
  .refine((d) => d.build === undefined || d.response !== undefined, { message: '`build` is read from a recorded `response`: give one' })

const caseSchema = z
  .object({
    name: z.string().min(1).optional(),
    source: z.string().min(1),
    /** path relative to the case file */
    payload: z.string().min(1).optional(),
    /** inline body: a string is sent as is, anything else as JSON */
    body: z.unknown().optional(),
    headers: stringMap.optional(),
    event: scalar.optional(),
    query: stringMap.optional(),
    /** the only environment the rules see, so a case gives the same result on every machine */
    env: stringMap.optional(),
    expect: z.union([z.literal('none'), z.array(expectedDelivery).min(1)], {
      error: 'must be `none` or a list of { route, target, request?, error?, response?, build? }',
    }),
  })
  .strict()
  .refine((c) => (c.payload === undefined) !== (c.body === undefined), { message: 'give exactly one of payload and body' })

export type ExpectedDelivery = z.infer<typeof expectedDelivery>

export interface TestCase {
  file: string
  name: string
  source: string
  body: Buffer
  headers: Record<string, string>
  event: string | undefined
  query: Record<string, string>
  env: Record<string, string>
  /** empty for `expect: none` */
  expect: ExpectedDelivery[]
}

export type CaseLoad = { ok: true; testCase: TestCase } | { ok: false; file: string; name: string; message: string }

/** The case files directly in `dir`, in name order; none when the directory does not exist. */
export async function listCaseFiles(dir: string): Promise<string[]> {
  let names: string[]
  try {
    names = await readdir(dir)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw err
  }
  return names
    .filter((n) => CASE_FILE.test(n) && !n.startsWith('_') && !n.startsWith('.'))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((n) => join(dir, n))
}

/** Reads and validates one case file; every problem becomes a message instead of an exception. */
export async function readCase(file: string): Promise<CaseLoad> {
  const fallbackName = basename(file).replace(CASE_FILE, '')
  const fail = (message: string): CaseLoad => ({ ok: false, file, name: fallbackName, message })
  let raw: unknown
  try {
    raw = parse(await readFile(file, 'utf8'))
  } catch (err) {
    return fail(`cannot read case file: ${(err as Error).message.split('\n')[0] ?? ''}`)
  }
  const result = caseSchema.safeParse(raw)
  if (!result.success) {
    return fail(result.error.issues.map((i) => `${i.path.join('.') || '(case)'}: ${i.message}`).join('; '))
  }
  const c = result.data
  let body: Buffer
  if (c.payload !== undefined) {
    const path = resolve(dirname(file), c.payload)
    try {
      body = await readFile(path)
    } catch (err) {
      return fail(`cannot read payload ${c.payload}: ${(err as Error).message}`)
    }
  } else {
    body = Buffer.from(typeof c.body === 'string' ? c.body : JSON.stringify(c.body), 'utf8')
  }
  const testCase: TestCase = {
    file,
    name: c.name ?? fallbackName,
    source: c.source,
    body,
    headers: c.headers ?? {},
    event: c.event,
    query: c.query ?? {},
    env: c.env ?? {},
    expect: c.expect === 'none' ? [] : c.expect,
  }
  return { ok: true, testCase }
}
