/**
 * The build a CI system says it started, read from its answer to the trigger request: shown on
 * the delivery (dashboard, admin API, `hookyard test`, notifications) and used by reporters.
 * Every field is optional because each CI system answers with a different subset.
 */
export interface BuildReference {
  /** a link to the build's page; only http(s) URLs are kept */
  url?: string
  /** the CI system's own id for the build, pipeline or queue item */
  id?: string
  /** the human-facing build number (#42), when the CI system has one */
  number?: string
}

/** The part of a target's answer a preset reads the build reference from. */
export interface TargetResponse {
  status: number
  /** header names in lower case */
  headers: Record<string, string>
  body: string
}
