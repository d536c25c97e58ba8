import { describe, expect, it } from 'vitest'
import { buildReference, type TargetResponse } from '../../../src/targets/build-reference.ts'
import { targetPresets } from '../../../src/targets/index.ts'
import type { TargetPreset } from '../../../src/targets/types.ts'

/** The answer a CI system gives to a trigger, as the worker hands it to the preset. */
function answer(status: number, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }): TargetResponse {
  return { status, headers, body: typeof body === 'string' ? body : JSON.stringify(body) }
}

function reader(type: string): (response: TargetResponse) => ReturnType<NonNullable<TargetPreset['readBuildReference']>> {
  const preset = targetPresets.get(type)
  if (!preset?.readBuildReference) throw new Error(`preset ${type} reads no build reference`)
  return (response) => preset.readBuildReference?.(response)
}

describe('build references read from each CI system’s documented answer', () => {
  it('bitrise: the first of `results` (build_url, build_slug, build_number)', () => {
    const body = {
      status: 'ok',
      message: 'webhook processed',
      service: 'bitrise',
      slug: 'f5a3b8c1d2e4f607',
      build_slug: '0b1c2d3e4f5a6b7c',
      build_number: 41,
      build_url: 'https://app.bitrise.io/build/0b1c2d3e4f5a6b7c',
      triggered_workflow: 'primary',
      results: [
        {
          status: 'ok',
          message: 'webhook processed',
          build_slug: '8a7b6c5d4e3f2a1b',
          build_number: 42,
          build_url: 'https://app.bitrise.io/build/8a7b6c5d4e3f2a1b',
          triggered_workflow: 'primary',
          triggered_pipeline: '',
        },
      ],
    }
    expect(reader('bitrise')(answer(201, body))).toEqual({ url: 'https://app.bitrise.io/build/8a7b6c5d4e3f2a1b', id: '8a7b6c5d4e3f2a1b', number: '42' })
  })

  it('bitrise: the v0.1 answer without `results` (top-level build_* fields)', () => {
    const body = { build_slug: '9f8e7d6c5b4a3210', build_number: 7, build_url: 'https://app.bitrise.io/build/9f8e7d6c5b4a3210', triggered_workflow: 'deploy' }
    expect(reader('bitrise')(answer(201, body))).toEqual({ url: 'https://app.bitrise.io/build/9f8e7d6c5b4a3210', id: '9f8e7d6c5b4a3210', number: '7' })
  })

  it('gitlab v4: the pipeline entity (web_url, id)', () => {
    const body = {
      id: 257,
      iid: 118,
      project_id: 123,
      sha: '91e2711a93e5d9e8dddfeb6d003b636b25bf6fc9',
      ref: 'main',
      status: 'created',
      source: 'trigger',
      created_at: '2024-03-05T02:46:56.080Z',
      updated_at: '2024-03-05T02:46:56.080Z',
      web_url: 'https://gitlab.example.com/group/app/-/pipelines/257',
      before_sha: '0000000000000000000000000000000000000000',
      tag: false,
      yaml_errors: null,
      user: { id: 1, name: 'Administrator', username: 'root', state: 'active', web_url: 'https://gitlab.example.com/root' },
      started_at: null,
      finished_at: null,
      committed_at: null,
      duration: null,
      queued_duration: null,
      coverage: null,
      detailed_status: { icon: 'status_created', text: 'created', label: 'created', group: 'created', details_path: '/group/app/-/pipelines/257' },
    }
    expect(reader('gitlab')(answer(201, body))).toEqual({ url: 'https://gitlab.example.com/group/app/-/pipelines/257', id: '257' })
  })

  it('gitlab v3: the trigger request (id only)', () => {
    expect(reader('gitlab')(answer(201, { id: 10, variables: { DEPLOY: 'true' } }))).toEqual({ id: '10' })
  })

  it('buildkite: the created build (web_url, id, number)', () => {
    const body = {
      id: 'f62a1b4d-10f9-4790-bc1c-e2c3a0c80983',
      graphql_id: 'QnVpbGQtLS1mNjJhMWI0ZC0xMGY5LTQ3OTAtYmMxYy1lMmMzYTBjODA5ODM=',
      url: 'https://api.buildkite.com/v2/organizations/acme/pipelines/app/builds/1',
      web_url: 'https://buildkite.com/acme/app/builds/1',
      number: 1,
      state: 'scheduled',
      blocked: false,
      message: 'Testing all the things :rocket:',
      commit: 'HEAD',
      branch: 'main',
      env: {},
      source: 'api',
      jobs: [],
      created_at: '2024-03-05T02:46:56.080Z',
      scheduled_at: '2024-03-05T02:46:56.080Z',
      started_at: null,
      finished_at: null,
      meta_data: {},
      pipeline: { id: '849411f9-9e6d-4739-a0d8-e247088e9b52', slug: 'app', name: 'App' },
    }
    expect(reader('buildkite')(answer(201, body))).toEqual({ url: 'https://buildkite.com/acme/app/builds/1', id: 'f62a1b4d-10f9-4790-bc1c-e2c3a0c80983', number: '1' })
  })

  it('azure-pipelines: the run (_links.web.href, id, name as the build number)', () => {
    const body = {
      _links: {
        self: { href: 'https://dev.azure.com/fabrikam/a7fc1f9a/_apis/pipelines/1/runs/4' },
        web: { href: 'https://dev.azure.com/fabrikam/a7fc1f9a/_build/results?buildId=4' },
        'pipeline.web': { href: 'https://dev.azure.com/fabrikam/a7fc1f9a/_build/definition?definitionId=1' },
        pipeline: { href: 'https://dev.azure.com/fabrikam/a7fc1f9a/_apis/pipelines/1?revision=2' },
      },
      pipeline: { url: 'https://dev.azure.com/fabrikam/a7fc1f9a/_apis/pipelines/1?revision=2', id: 1, revision: 2, name: 'app-ci', folder: '\\' },
      state: 'inProgress',
      createdDate: '2024-03-05T02:46:56.0800000Z',
      url: 'https://dev.azure.com/fabrikam/a7fc1f9a/_apis/pipelines/1/runs/4',
      resources: { repositories: { self: { refName: 'refs/heads/main', version: '91e2711a93e5d9e8dddfeb6d003b636b25bf6fc9' } } },
      id: 4,
      name: '20240305.1',
    }
    expect(reader('azure-pipelines')(answer(200, body))).toEqual({ url: 'https://dev.azure.com/fabrikam/a7fc1f9a/_build/results?buildId=4', id: '4', number: '20240305.1' })
  })

  it('teamcity: the queued build (webUrl, id)', () => {
    const body = {
      id: 1234,
      buildTypeId: 'App_Build',
      state: 'queued',
      branchName: 'refs/heads/main',
      href: '/app/rest/buildQueue/id:1234',
      webUrl: 'https://teamcity.example.com/viewQueued.html?itemId=1234',
      buildType: { id: 'App_Build', name: 'Build', projectName: 'App', projectId: 'App', href: '/app/rest/buildTypes/id:App_Build' },
      queuedDate: '20240305T024656+0000',
      triggered: { type: 'user', date: '20240305T024656+0000' },
    }
    expect(reader('teamcity')(answer(200, body))).toEqual({ url: 'https://teamcity.example.com/viewQueued.html?itemId=1234', id: '1234' })
  })

  it('circleci: the pipeline (id, number; no link)', () => {
    const body = { id: '5034460f-c7c4-4c43-9457-de07e2029e7b', state: 'pending', number: 25, created_at: '2024-03-05T02:46:56.080Z' }
    expect(reader('circleci')(answer(201, body))).toEqual({ id: '5034460f-c7c4-4c43-9457-de07e2029e7b', number: '25' })
  })

  it('travis: the request it accepted (request.id; no link)', () => {
    const body = {
      '@type': 'pending',
      remaining_requests: 9,
      repository: { '@type': 'repository', '@href': '/repo/1', '@representation': 'minimal', id: 1, name: 'app', slug: 'acme/app' },
      request: { repository: { id: 1, owner_name: 'acme', name: 'app' }, user: { id: 7 }, id: 205729, message: null, branch: 'main', config: {} },
      resource_type: 'request',
    }
    expect(reader('travis')(answer(202, body))).toEqual({ id: '205729' })
  })

  it('jenkins: the queue item in Location (url, item number as id)', () => {
    const response = answer(201, '', { location: 'https://jenkins.example.com/queue/item/42/', 'content-length': '0' })
    expect(reader('jenkins')(response)).toEqual({ url: 'https://jenkins.example.com/queue/item/42/', id: '42' })
  })

  it('buildmaster: the BuildInfo (id, number)', () => {
    const body = {
      id: 7,
      number: '3',
      status: 'active',
      createdBy: 'API',
      createdOn: '2024-03-05T02:46:56.0800000Z',
      applicationId: 2,
      applicationName: 'TaxCalculator',
      pipelineName: 'Release',
      releaseId: 4,
      releaseNumber: '1.0.1',
      releaseName: '1.0.1',
      buildNumber: '3',
    }
    expect(reader('buildmaster')(answer(200, body))).toEqual({ id: '7', number: '3' })
  })

  it('github-actions (204, no body), myget (undocumented answer) and http read none', () => {
    for (const type of ['github-actions', 'myget', 'http']) {
      const preset = targetPresets.get(type)
      expect(preset, type).toBeDefined()
      expect(preset && 'readBuildReference' in preset, type).toBe(false)
    }
  })
})

describe('build references from odd or hostile answers', () => {
  const readers = [...targetPresets.entries()].filter(([, p]) => 'readBuildReference' in p).map(([type]) => type)

  it('every preset with a documented answer has a reader', () => {
    expect(readers.sort()).toEqual(['azure-pipelines', 'bitrise', 'buildkite', 'buildmaster', 'circleci', 'gitlab', 'jenkins', 'teamcity', 'travis'])
  })

  const oddBodies = ['', 'null', '[]', '[{"id":1}]', '"text"', '42', '<html><body>Bad gateway</body></html>', '{"id":', '{"results":null,"_links":7,"request":"x"}', '{"results":[null],"_links":{"web":null}}']
  it.each(readers)('%s returns undefined (never throws) for bodies that are not what it documents', (type) => {
    for (const body of oddBodies) {
      expect(reader(type)(answer(200, body, {})), `${type} ${body}`).toBeUndefined()
    }
  })

  it('keeps only http(s) links: a javascript:, data: or relative URL is dropped, the rest is kept', () => {
    expect(reader('buildkite')(answer(201, { web_url: 'javascript:alert(document.cookie)', number: 5 }))).toEqual({ number: '5' })
    expect(reader('gitlab')(answer(201, { web_url: 'data:text/html,<script>alert(1)</script>' }))).toBeUndefined()
    expect(reader('teamcity')(answer(200, { webUrl: '/viewQueued.html?itemId=1', id: 1 }))).toEqual({ id: '1' })
    expect(reader('jenkins')(answer(201, '', { location: 'JavaScript:alert(1)//queue/item/3/' }))).toEqual({ id: '3' })
  })

  it('drops ids and numbers that are not short printable strings or integers', () => {
    expect(reader('buildkite')(answer(201, { id: { nested: true }, number: 1.5, web_url: 'https://buildkite.com/acme/app/builds/9' }))).toEqual({ url: 'https://buildkite.com/acme/app/builds/9' })
    expect(reader('circleci')(answer(201, { id: 'x'.repeat(201), number: 'line\nbreak' }))).toBeUndefined()
    expect(reader('bitrise')(answer(201, { results: [{ build_url: 'https://app.bitrise.io/build/a', build_number: true, build_slug: '' }] }))).toEqual({ url: 'https://app.bitrise.io/build/a' })
  })

  it('normalizes what it keeps', () => {
    expect(buildReference({ url: 'HTTPS://Buildkite.com/acme/app/builds/1', id: 12, number: '12' })).toEqual({ url: 'https://buildkite.com/acme/app/builds/1', id: '12', number: '12' })
    expect(buildReference({ url: 'https://example.com/' + 'a'.repeat(2100) })).toBeUndefined()
    expect(buildReference({})).toBeUndefined()
  })
})
