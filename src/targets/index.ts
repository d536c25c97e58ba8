import { azurePipelinesPreset } from './azure-pipelines.ts'
import { bitbucketStatusPreset } from './bitbucket-status.ts'
import { bitrisePreset } from './bitrise.ts'
import { buildkitePreset } from './buildkite.ts'
import { buildmasterPreset } from './buildmaster.ts'
import { circleciPreset } from './circleci.ts'
import { giteaStatusPreset } from './gitea-status.ts'
import { githubActionsPreset } from './github-actions.ts'
import { githubStatusPreset } from './github-status.ts'
import { gitlabStatusPreset } from './gitlab-status.ts'
import { gitlabPreset } from './gitlab.ts'
import { httpPreset } from './http.ts'
import { jenkinsPreset } from './jenkins.ts'
import { mygetPreset } from './myget.ts'
import { teamcityPreset } from './teamcity.ts'
import { travisPreset } from './travis.ts'
import type { TargetPreset } from './types.ts'

/** Every target preset, by name. Adding a preset is one new file plus one line here. */
export const targetPresets: ReadonlyMap<string, TargetPreset> = new Map<string, TargetPreset>([
  ['buildmaster', buildmasterPreset],
  ['bitrise', bitrisePreset],
  ['gitlab', gitlabPreset],
  ['travis', travisPreset],
  ['myget', mygetPreset],
  ['http', httpPreset],
  ['jenkins', jenkinsPreset],
  ['github-actions', githubActionsPreset],
  ['buildkite', buildkitePreset],
  ['circleci', circleciPreset],
  ['azure-pipelines', azurePipelinesPreset],
  ['teamcity', teamcityPreset],
  ['github-status', githubStatusPreset],
  ['gitlab-status', gitlabStatusPreset],
  ['bitbucket-status', bitbucketStatusPreset],
  ['gitea-status', giteaStatusPreset],
])
