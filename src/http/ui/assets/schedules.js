// /ui/assets/schedules.js: the schedules panel: each schedule's cron, next and last fire, and a "Run now" button.
import { h, replace, timeEl } from './dom.js'
import { icon } from './icons.js'

export function renderSchedules(panel, el, items, on) {
  panel.hidden = items.length === 0
  replace(el, h('table', { class: 'schedules-table', testid: 'schedules-table' },
    h('thead', null, h('tr', null, h('th', null, 'Schedule'), h('th', null, 'Cron'), h('th', null, 'Next fire'), h('th', null, 'Last fire'), h('th', { class: 'c-go' }, h('span', { class: 'sr-only' }, 'Run')))),
    h('tbody', null, items.map((s) => h('tr', { testid: 'schedule-row', data: { name: s.name } },
      h('td', { class: 'mono' }, s.name),
      h('td', null, h('code', null, s.cron), ' ', h('span', { class: 'muted small' }, s.timezone)),
      h('td', { testid: 'schedule-next' }, timeEl(s.next_fire)),
      h('td', { testid: 'schedule-last' }, lastFire(s, on)),
      h('td', { class: 'c-go' }, h('button', {
        class: 'btn small', type: 'button', testid: 'schedule-run', title: 'fire ' + s.name + ' now, as its next tick would',
        onclick: (e) => on.runSchedule(s.name, e.currentTarget),
      }, icon('replay'), 'Run now')))))))
}

/**
 * The last fire, linked to the event it made. A run started by hand has no fire time: it says
 * "manual" as plain text (a link there read like a second Run now button) beside the event link.
 */
function lastFire(s, on) {
  if (!s.last_event) return h('span', { class: 'muted' }, 'never')
  const open = (label) => h('button', { class: 'link', type: 'button', title: 'open the event it fired', onclick: () => on.openEvent(s.last_event) }, label)
  if (s.last_fire) return open(timeEl(s.last_fire))
  return [h('span', { class: 'tag manual', testid: 'schedule-manual', title: 'the last run was started by hand' }, 'manual'), ' ', open('view event')]
}
