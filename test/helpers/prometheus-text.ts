/**
 * A strict little reader of the Prometheus text exposition format (0.0.4): every line must be a
 * `# HELP`, a `# TYPE` or a sample `name{label="value",...} value`; anything else throws, so a
 * malformed /metrics page fails the test that reads it.
 */
export interface PrometheusText {
  help: Map<string, string>
  type: Map<string, string>
  /** sample key (see sampleKey) -> value */
  samples: Map<string, number>
  /** the value of one sample, or undefined */
  value(name: string, labels?: Record<string, string>): number | undefined
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*'
const COMMENT = new RegExp(`^# (HELP|TYPE) (${NAME}) (.*)$`)
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)(?: -?\\d+)?$`)
const LABEL = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)/
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped'])

export function sampleKey(name: string, labels: Record<string, string> = {}): string {
  const parts = Object.entries(labels)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
  return parts.length > 0 ? `${name}{${parts.join(',')}}` : name
}

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {}
  let rest = text
  while (rest.length > 0) {
    const m = LABEL.exec(rest)
    if (!m) throw new Error(`bad labels in line: ${line}`)
    labels[m[1]!] = m[2]!.replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1')
    rest = rest.slice(m[0].length)
  }
  return labels
}

function parseValue(text: string, line: string): number {
  // Prometheus reads values with Go's ParseFloat: NaN and Inf in any case (prom-client writes `Nan`)
  const lower = text.toLowerCase()
  if (lower === '+inf' || lower === 'inf') return Infinity
  if (lower === '-inf') return -Infinity
  if (lower === 'nan') return NaN
  const n = Number(text)
  if (text === '' || Number.isNaN(n)) throw new Error(`bad value in line: ${line}`)
  return n
}

export function parsePrometheusText(text: string): PrometheusText {
  const help = new Map<string, string>()
  const type = new Map<string, string>()
  const samples = new Map<string, number>()
  for (const line of text.split('\n')) {
    if (line === '') continue
    const comment = COMMENT.exec(line)
    if (comment) {
      const [, kind, name, rest] = comment as unknown as [string, string, string, string]
      if (kind === 'TYPE' && !TYPES.has(rest)) throw new Error(`bad type in line: ${line}`)
      ;(kind === 'HELP' ? help : type).set(name, rest)
      continue
    }
    const sample = SAMPLE.exec(line)
    if (!sample) throw new Error(`not a Prometheus text line: ${line}`)
    const [, name, labelText, valueText] = sample as unknown as [string, string, string | undefined, string]
    samples.set(sampleKey(name, parseLabels(labelText ?? '', line)), parseValue(valueText, line))
  }
  return { help, type, samples, value: (name, labels) => samples.get(sampleKey(name, labels)) }
}
