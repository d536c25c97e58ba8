import { bitbucketServerSource } from './bitbucket-server.ts'
import { bitbucketSource } from './bitbucket.ts'
import { genericSource } from './generic.ts'
import { giteaSource } from './gitea.ts'
import { githubSource } from './github.ts'
import { gitlabSource } from './gitlab.ts'
import { progetSource } from './proget.ts'
import { scheduleSource } from './schedule.ts'
import type { SourceType } from './types.ts'

/** Every source type, by name. Adding a type is one new file plus one line here. */
export const sourceTypes: ReadonlyMap<string, SourceType> = new Map<string, SourceType>([
  ['github', githubSource],
  ['gitlab', gitlabSource],
  ['bitbucket', bitbucketSource],
  ['bitbucket-server', bitbucketServerSource],
  ['gitea', giteaSource],
  ['proget', progetSource],
  ['generic', genericSource],
  ['schedule', scheduleSource],
])
