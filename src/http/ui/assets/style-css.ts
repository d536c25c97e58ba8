/** /ui/assets/style.css. Light by default, dark when the system (or the theme toggle) says so. */

const LIGHT = `
  --bg: #f5f6f8; --surface: #ffffff; --surface-2: #f3f4f7; --surface-3: #eceef2; --hover: #f0f2ff;
  --border: #e4e6eb; --border-strong: #d3d7de;
  --text: #171a21; --text-2: #414756; --muted: #6b7282; --faint: #9aa1ae;
  --accent: #4f5fe8; --accent-2: #3d4bd0; --accent-soft: #eceefe; --on-accent: #fff;
  --green: #138a4b; --red: #d02f3a; --amber: #b86a00; --grey: #6b7282; --blue: #2563eb;
  --shadow: 0 1px 2px rgba(16, 20, 30, .05), 0 1px 1px rgba(16, 20, 30, .03);
  --shadow-lg: 0 24px 48px -12px rgba(16, 20, 30, .22), 0 2px 6px rgba(16, 20, 30, .06);
  --code-bg: #f6f7fa; --j-key: #5b3cc4; --j-str: #0f7a55; --j-num: #b4530a; --j-lit: #c02673;
  color-scheme: light;
`

const DARK = `
  --bg: #0d0f14; --surface: #14171e; --surface-2: #191d26; --surface-3: #20252f; --hover: #1b2030;
  --border: #242a35; --border-strong: #303746;
  --text: #e7e9ee; --text-2: #c3c8d3; --muted: #8c93a3; --faint: #5f6677;
  --accent: #8593ff; --accent-2: #a2adff; --accent-soft: #1e2340; --on-accent: #0d0f14;
  --green: #3ccf7e; --red: #ff6b74; --amber: #f3b13c; --grey: #8c93a3; --blue: #6aa6ff;
  --shadow: 0 1px 2px rgba(0, 0, 0, .4);
  --shadow-lg: 0 24px 60px -12px rgba(0, 0, 0, .7), 0 0 0 1px rgba(255, 255, 255, .04);
  --code-bg: #10131a; --j-key: #b7a4ff; --j-str: #7ddba8; --j-num: #f7b267; --j-lit: #ff8fc7;
  color-scheme: dark;
`

export const styleCss = `
:root {${LIGHT}
  --radius: 10px; --radius-sm: 6px;
  --font: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Noto Sans", "Liberation Sans", Arial, sans-serif;
  --mono: ui-monospace, "SF Mono", SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", monospace;
}
@media (prefers-color-scheme: dark) { :root:not([data-theme="light"]) {${DARK}} }
:root[data-theme="dark"] {${DARK}}

* { box-sizing: border-box; }
html, body { margin: 0; }
body {
  background: var(--bg); color: var(--text); font: 14px/1.45 var(--font);
  -webkit-font-smoothing: antialiased; text-rendering: optimizeLegibility;
}
body.drawer-open { overflow: hidden; }
[hidden] { display: none !important; }
h2, h3 { margin: 0; font-weight: 650; letter-spacing: -.01em; }
h2 { font-size: 15px; }
h3 { font-size: 12px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); font-weight: 600; margin-bottom: 10px; }
code, .mono { font-family: var(--mono); font-size: .92em; }
a { color: var(--accent); }
.muted { color: var(--muted); }
.small { font-size: 12px; }
.tiny { font-size: 11px; }
.spacer { flex: 1; }
.ellipsis { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; max-width: 260px; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.skip { position: absolute; left: -999px; top: 8px; background: var(--surface); padding: 6px 10px; border-radius: var(--radius-sm); z-index: 100; }
.skip:focus { left: 8px; }
:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
.icon { width: 16px; height: 16px; flex: none; vertical-align: -3px; }

/* ---------- top bar ---------- */
.topbar {
  position: sticky; top: 0; z-index: 20; display: flex; align-items: center; gap: 14px;
  padding: 10px 24px; background: color-mix(in srgb, var(--surface) 86%, transparent);
  backdrop-filter: saturate(1.4) blur(10px); border-bottom: 1px solid var(--border);
}
.brand { display: flex; align-items: center; gap: 9px; font-weight: 700; font-size: 16px; letter-spacing: -.02em; }
.logo, .modal-logo {
  display: grid; place-items: center; width: 28px; height: 28px; border-radius: 8px; color: #fff;
  background: linear-gradient(135deg, #6d7bff, #4f5fe8 55%, #7a4fe8);
  box-shadow: 0 2px 8px -2px rgba(79, 95, 232, .6), inset 0 1px 0 rgba(255, 255, 255, .25);
}
.logo .icon { width: 18px; height: 18px; }
.rules { display: flex; align-items: center; gap: 10px; }
.chip {
  display: inline-flex; align-items: center; gap: 5px; padding: 2px 8px; border-radius: 999px;
  background: var(--surface-3); color: var(--text-2); font-size: 12px; white-space: nowrap; border: 1px solid var(--border);
}
.chip .icon { width: 12px; height: 12px; }
.conn { display: flex; align-items: center; gap: 7px; font-size: 12.5px; color: var(--text-2); white-space: nowrap; }
.conn.bad { color: var(--red); }
.live-dot { width: 8px; height: 8px; border-radius: 50%; background: var(--grey); }
.live-dot.on { background: var(--green); box-shadow: 0 0 0 0 color-mix(in srgb, var(--green) 60%, transparent); animation: pulse 2s infinite; }
.live-dot.bad { background: var(--red); }
@keyframes pulse { 70% { box-shadow: 0 0 0 7px transparent; } 100% { box-shadow: 0 0 0 0 transparent; } }

/* ---------- buttons ---------- */
.btn {
  display: inline-flex; align-items: center; gap: 6px; height: 32px; padding: 0 12px; border-radius: var(--radius-sm);
  border: 1px solid var(--border-strong); background: var(--surface); color: var(--text); font: inherit; font-weight: 550;
  font-size: 13px; cursor: pointer; box-shadow: var(--shadow); white-space: nowrap; transition: background .12s, border-color .12s, transform .05s;
}
.btn:hover { background: var(--surface-2); border-color: var(--faint); }
.btn:active { transform: translateY(1px); }
.btn:disabled { opacity: .45; cursor: not-allowed; transform: none; }
.btn.small { height: 26px; padding: 0 9px; font-size: 12px; gap: 5px; }
.btn.small .icon { width: 13px; height: 13px; }
.btn.ghost { background: transparent; border-color: transparent; box-shadow: none; color: var(--text-2); }
.btn.ghost:hover { background: var(--surface-3); }
.btn.icon-only { width: 32px; padding: 0; justify-content: center; }
.btn.primary { background: var(--accent); border-color: var(--accent); color: var(--on-accent); }
.btn.primary:hover { background: var(--accent-2); border-color: var(--accent-2); }
.btn.danger { color: var(--red); border-color: color-mix(in srgb, var(--red) 35%, var(--border)); }
.btn.danger:hover:not(:disabled) { background: color-mix(in srgb, var(--red) 10%, var(--surface)); }
.btn .count { background: color-mix(in srgb, currentColor 14%, transparent); border-radius: 999px; padding: 0 6px; font-size: 11px; }
#live-toggle[data-live="false"] { color: var(--amber); }

/* ---------- layout ---------- */
.layout { max-width: 1320px; margin: 0 auto; padding: 20px 24px 48px; display: grid; grid-template-columns: minmax(0, 1fr); gap: 18px; }
.panel { position: relative; background: var(--surface); border: 1px solid var(--border); border-radius: var(--radius); box-shadow: var(--shadow); overflow: hidden; }
.panel-head { display: flex; align-items: center; gap: 12px; padding: 14px 16px; border-bottom: 1px solid var(--border); flex-wrap: wrap; }
.panel-head h2 .small { font-weight: 450; margin-left: 4px; }

/* ---------- stats ---------- */
.stats { display: grid; grid-template-columns: repeat(7, minmax(0, 1fr)); gap: 12px; }
.stat {
  position: relative; background: var(--surface); border: 1px solid var(--border); border-radius: var(--radius);
  padding: 12px 14px 13px; box-shadow: var(--shadow); min-width: 0;
}
.stat-label { display: flex; align-items: center; gap: 7px; color: var(--muted); font-size: 12px; font-weight: 550; }
.stat-value { font-size: 24px; font-weight: 680; letter-spacing: -.02em; margin-top: 4px; font-variant-numeric: tabular-nums; }
.stat-sub { color: var(--muted); font-size: 11.5px; margin-top: 1px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.stat .dot { width: 8px; height: 8px; border-radius: 50%; background: var(--c, var(--accent)); }
.k-events { --c: var(--accent); } .k-delivered { --c: var(--green); } .k-failed { --c: var(--red); }
.k-retrying { --c: var(--amber); } .k-queued { --c: var(--grey); } .k-coalesced, .k-superseded { --c: var(--blue); } .k-queue { --c: var(--faint); }
.k-failed .stat-value:not([data-value="0"]) { color: var(--red); }
.k-retrying .stat-value:not([data-value="0"]) { color: var(--amber); }
.stat .stat-value[data-value="0"] { color: var(--faint); }

/* ---------- pills, tags, codes ---------- */
.pill {
  --c: var(--grey); display: inline-flex; align-items: center; gap: 6px; height: 22px; padding: 0 9px 0 8px; border-radius: 999px;
  font-size: 12px; font-weight: 600; white-space: nowrap; color: var(--c);
  background: color-mix(in srgb, var(--c) 13%, transparent); border: 1px solid color-mix(in srgb, var(--c) 22%, transparent);
}
.pill .dot { width: 6px; height: 6px; border-radius: 50%; background: var(--c); }
.s-delivered, .s-matched { --c: var(--green); }
.s-failed, .s-error { --c: var(--red); }
.s-retrying, .s-retry { --c: var(--amber); }
.s-retrying .dot { animation: blink 1.2s ease-in-out infinite; }
@keyframes blink { 50% { opacity: .3; } }
.s-queued, .s-not_matched { --c: var(--grey); }
.s-coalesced, .s-superseded { --c: var(--blue); }
.pills, .routes { display: flex; flex-wrap: wrap; align-items: center; gap: 5px; }
.tag {
  display: inline-flex; align-items: center; gap: 4px; font-size: 11px; font-weight: 600; color: var(--muted);
  padding: 1px 6px; border-radius: 4px; background: var(--surface-3); margin-left: 6px; white-space: nowrap;
}
.tag .icon { width: 11px; height: 11px; }
.tag.warn { color: var(--amber); }
.code {
  display: inline-flex; align-items: center; height: 22px; padding: 0 7px; border-radius: 5px; font: 600 12px var(--mono);
  border: 1px solid var(--border-strong); color: var(--text-2);
}
.code.c-ok { color: var(--green); border-color: color-mix(in srgb, var(--green) 40%, transparent); }
.code.c-bad { color: var(--red); border-color: color-mix(in srgb, var(--red) 40%, transparent); }
.code.c-none { color: var(--muted); font-family: var(--font); font-weight: 500; }
.route-chip { background: var(--accent-soft); color: var(--accent); border-color: transparent; font-size: 11.5px; }
.nomatch { color: var(--faint); font-size: 12px; font-style: italic; }
.ratio { margin-left: 2px; font-variant-numeric: tabular-nums; }

/* ---------- failed panel ---------- */
.fgroups { display: grid; grid-template-columns: repeat(auto-fill, minmax(380px, 1fr)); gap: 12px; padding: 14px 16px 16px; }
.fgroup { border: 1px solid color-mix(in srgb, var(--red) 25%, var(--border)); border-radius: var(--radius); overflow: hidden;
  background: linear-gradient(180deg, color-mix(in srgb, var(--red) 5%, var(--surface)), var(--surface) 60%); }
.fgroup-head { display: flex; align-items: center; gap: 10px; padding: 10px 12px; }
.fgroup .target { display: inline-flex; align-items: center; gap: 7px; font-weight: 650; }
.fgroup .target .icon { color: var(--red); }
.flist { list-style: none; margin: 0; padding: 0 6px 6px; }
.frow {
  width: 100%; display: flex; align-items: center; gap: 10px;
  padding: 7px 8px; border: 0; border-radius: var(--radius-sm); background: transparent; color: inherit; font: inherit; font-size: 12.5px;
  text-align: left; cursor: pointer;
}
.frow:hover { background: var(--hover); }
.frow .rel { color: var(--muted); flex: none; width: 62px; }
.frow .route { color: var(--text-2); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; flex: 0 1 auto; max-width: 40%; }
.frow .reason { color: var(--red); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; flex: 1; min-width: 0; }
.frow .go { flex: none; }
.frow .tag { margin: 0; }
.frow .go { color: var(--faint); width: 14px; }
.more-note { padding: 0 14px 10px; }
.empty { display: flex; align-items: center; gap: 12px; padding: 18px 16px; color: var(--text-2); }
.empty .icon { width: 22px; height: 22px; color: var(--faint); }
.empty.ok .icon { color: var(--green); padding: 3px; border-radius: 50%; background: color-mix(in srgb, var(--green) 14%, transparent); width: 26px; height: 26px; }

/* ---------- filters ---------- */
.filters { display: flex; align-items: center; gap: 10px; flex-wrap: wrap; }
.select select {
  height: 30px; border-radius: var(--radius-sm); border: 1px solid var(--border-strong); background: var(--surface); color: var(--text);
  font: inherit; font-size: 13px; padding: 0 28px 0 10px; appearance: none; cursor: pointer;
  background-image: linear-gradient(45deg, transparent 50%, var(--muted) 50%), linear-gradient(135deg, var(--muted) 50%, transparent 50%);
  background-position: calc(100% - 14px) 13px, calc(100% - 10px) 13px; background-size: 4px 4px; background-repeat: no-repeat;
}
.segmented { display: inline-flex; padding: 2px; border-radius: 8px; background: var(--surface-3); border: 1px solid var(--border); }
.seg { border: 0; background: transparent; color: var(--muted); font: inherit; font-size: 12.5px; font-weight: 550; height: 26px; padding: 0 10px; border-radius: 6px; cursor: pointer; }
.seg:hover { color: var(--text); }
.seg[aria-checked="true"] { background: var(--surface); color: var(--text); box-shadow: var(--shadow), 0 0 0 1px var(--border); }

/* ---------- tables ---------- */
.table-wrap { overflow-x: auto; position: relative; }
table { border-collapse: collapse; width: 100%; }
th { text-align: left; font-size: 11.5px; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: .05em; padding: 9px 12px; background: var(--surface-2); border-bottom: 1px solid var(--border); white-space: nowrap; }
td { padding: 10px 12px; border-bottom: 1px solid var(--border); vertical-align: middle; }
tbody tr:last-child td { border-bottom: 0; }
tr.row { cursor: pointer; transition: background .1s; }
tr.row:hover { background: var(--hover); }
tr.row:focus-visible { outline: 2px solid var(--accent); outline-offset: -2px; }
tr.row[aria-selected="true"] { background: var(--accent-soft); }
.events-table td:first-child { box-shadow: inset 3px 0 0 var(--edge, transparent); }
.edge-failed { --edge: var(--red); } .edge-retrying { --edge: var(--amber); } .edge-queued { --edge: var(--border-strong); }
.edge-delivered { --edge: var(--green); } .edge-coalesced { --edge: var(--blue); }
.c-time { width: 110px; white-space: nowrap; color: var(--text-2); font-variant-numeric: tabular-nums; }
.c-go { width: 32px; color: var(--faint); text-align: right; }
tr.row:hover .c-go { color: var(--accent); }
.src { font-weight: 600; }
.type { margin-left: 6px; font-size: 11.5px; color: var(--muted); }
.evt { font-weight: 600; color: var(--text); }
.events-table .tiny.mono { color: var(--faint); margin-top: 1px; }
.more { display: flex; justify-content: center; padding: 6px; }
.more:empty { display: none; }
.empty-row td { padding: 0; }

/* ---------- drawer ---------- */
.scrim { position: fixed; inset: 0; background: rgba(10, 12, 18, .28); z-index: 30; animation: fade .15s ease-out; }
.drawer {
  position: fixed; top: 0; right: 0; bottom: 0; width: min(760px, 100vw); z-index: 40; display: flex; flex-direction: column;
  background: var(--surface); border-left: 1px solid var(--border); box-shadow: var(--shadow-lg); animation: slide .18s ease-out; outline: none;
}
@keyframes slide { from { transform: translateX(24px); opacity: 0; } }
@keyframes fade { from { opacity: 0; } }
.drawer-head { display: flex; align-items: center; gap: 8px; padding: 10px 14px 10px 16px; border-bottom: 1px solid var(--border); min-height: 53px; }
.crumbs { display: flex; align-items: center; gap: 8px; font-weight: 600; color: var(--text-2); }
.crumbs .crumb { display: inline-flex; align-items: center; gap: 2px; margin-left: -4px; padding: 2px 6px 2px 2px; border-radius: 6px; }
.crumbs .crumb:hover { background: var(--accent-soft); text-decoration: none; }
.crumbs .sep { color: var(--faint); }
.drawer-body { flex: 1; overflow-y: auto; padding: 20px 22px 40px; }
.title-row { display: flex; align-items: center; gap: 10px; flex-wrap: wrap; }
.title-row h2 { font-size: 20px; font-weight: 700; }
.id-line { margin-top: 4px; word-break: break-all; }
.meta { display: grid; grid-template-columns: 130px minmax(0, 1fr); gap: 7px 14px; margin: 18px 0 0; font-size: 13px; }
.meta dt { color: var(--muted); }
.meta dd { margin: 0; min-width: 0; overflow-wrap: anywhere; }
.meta .msg { color: var(--text); }
.actions { display: flex; gap: 8px; margin-top: 18px; }
.dsec { margin-top: 26px; }
.banner { display: flex; gap: 10px; align-items: flex-start; margin-top: 14px; padding: 10px 12px; border-radius: var(--radius-sm); font-size: 13px; }
.banner.bad { color: var(--red); background: color-mix(in srgb, var(--red) 9%, transparent); border: 1px solid color-mix(in srgb, var(--red) 25%, transparent); }
.banner .icon { margin-top: 1px; }
.banner.warn { color: var(--amber); background: color-mix(in srgb, var(--amber) 9%, transparent); border: 1px solid color-mix(in srgb, var(--amber) 25%, transparent); }
.banner.paused { align-items: center; flex-wrap: wrap; }
.paused-target { display: inline-flex; align-items: center; gap: 6px; }
.link { color: var(--accent); text-decoration: none; cursor: pointer; }
.link:hover { text-decoration: underline; }

.trace { list-style: none; margin: 0; padding: 0; border: 1px solid var(--border); border-radius: var(--radius); overflow: hidden; }
.trace-item { display: flex; gap: 12px; padding: 11px 14px; border-bottom: 1px solid var(--border); }
.trace-item:last-child { border-bottom: 0; }
.trace-mark { width: 22px; height: 22px; flex: none; display: grid; place-items: center; border-radius: 50%; background: var(--surface-3); color: var(--muted); }
.t-matched .trace-mark { background: color-mix(in srgb, var(--green) 15%, transparent); color: var(--green); }
.t-error .trace-mark { background: color-mix(in srgb, var(--red) 15%, transparent); color: var(--red); }
.trace-mark .icon { width: 13px; height: 13px; }
.trace-body { min-width: 0; flex: 1; }
.trace-line { display: flex; align-items: center; gap: 10px; }
.route-name { font-weight: 600; color: var(--text); }
.trace-reason { margin-top: 4px; color: var(--muted); font-size: 12px; overflow-wrap: anywhere; }
.trace-error { margin-top: 6px; display: flex; flex-wrap: wrap; align-items: center; gap: 8px; font-size: 12px; }
.trace-error .mono { flex-basis: 100%; color: var(--red); overflow-wrap: anywhere; }

.dtable { border: 1px solid var(--border); border-radius: var(--radius); border-collapse: separate; border-spacing: 0; overflow: hidden; }
.dtable td, .dtable th { padding: 8px 12px; }
.dtable .target { font-weight: 600; }
.dtable .tag { margin-left: 6px; }
.c-act { text-align: right; width: 1%; }

.reqline { display: flex; gap: 10px; align-items: baseline; padding: 9px 12px; border-radius: var(--radius-sm); background: var(--code-bg); border: 1px solid var(--border); margin-bottom: 8px; overflow-wrap: anywhere; }
.method { font-weight: 700; color: var(--accent); }
.fold { border: 1px solid var(--border); border-radius: var(--radius-sm); margin-top: 8px; background: var(--surface); }
.fold > summary { cursor: pointer; padding: 8px 12px; font-weight: 600; font-size: 12.5px; color: var(--text-2); list-style: none; display: flex; align-items: center; gap: 6px; user-select: none; }
.fold > summary::-webkit-details-marker { display: none; }
.fold > summary::before { content: ""; width: 6px; height: 6px; border-right: 2px solid var(--faint); border-bottom: 2px solid var(--faint); transform: rotate(-45deg); transition: transform .12s; margin-right: 4px; }
.fold[open] > summary::before { transform: rotate(45deg); }
.fold > summary:hover { color: var(--text); }
.fold > :not(summary) { margin: 0 12px 12px; }
.kv { font-size: 12.5px; width: auto; min-width: 60%; }
.kv th { background: none; text-transform: none; letter-spacing: 0; font: 500 12px var(--mono); color: var(--muted); padding: 4px 16px 4px 0; border: 0; vertical-align: top; white-space: nowrap; }
.kv td { font-family: var(--mono); font-size: 12px; padding: 4px 0; border: 0; overflow-wrap: anywhere; }
.code-block { margin: 0; padding: 12px 14px; background: var(--code-bg); border: 1px solid var(--border); border-radius: var(--radius-sm); font: 12px/1.55 var(--mono); max-height: 420px; overflow: auto; white-space: pre-wrap; overflow-wrap: anywhere; }
.code-block.empty-body { color: var(--faint); font-style: italic; }
.j-key { color: var(--j-key); } .j-str { color: var(--j-str); } .j-num { color: var(--j-num); } .j-lit { color: var(--j-lit); }

.attempts { list-style: none; margin: 0; padding: 0 0 0 14px; border-left: 2px solid var(--border); display: grid; gap: 10px; }
.attempt { position: relative; border: 1px solid var(--border); border-radius: var(--radius); padding: 10px 12px; background: var(--surface); }
.attempt::before { content: ""; position: absolute; left: -21px; top: 15px; width: 10px; height: 10px; border-radius: 50%; background: var(--c, var(--grey)); border: 2px solid var(--surface); }
.o-delivered { --c: var(--green); } .o-failed { --c: var(--red); } .o-retry { --c: var(--amber); }
.attempt-line { display: flex; align-items: center; gap: 10px; flex-wrap: wrap; }
.attempt-no { font-weight: 700; font-variant-numeric: tabular-nums; }
.attempt-line .rel { color: var(--muted); font-size: 12px; }
.attempt-reason { margin-top: 6px; font-size: 12.5px; color: var(--text-2); }
.attempt .fold { margin-top: 8px; }

.skeleton { height: 18px; border-radius: 6px; background: linear-gradient(90deg, var(--surface-3), var(--surface-2), var(--surface-3)); background-size: 200% 100%; animation: shimmer 1.2s infinite; margin: 8px 0 14px; width: 60%; }
.skeleton.short { width: 35%; }
@keyframes shimmer { to { background-position: -200% 0; } }

/* ---------- modal, toasts ---------- */
.modal-wrap { position: fixed; inset: 0; z-index: 60; display: grid; place-items: center; background: color-mix(in srgb, var(--bg) 70%, transparent); backdrop-filter: blur(6px); padding: 20px; }
.modal { width: min(420px, 100%); background: var(--surface); border: 1px solid var(--border); border-radius: 14px; box-shadow: var(--shadow-lg); padding: 26px; display: grid; gap: 12px; }
.modal h2 { font-size: 18px; }
.modal p { margin: 0; font-size: 13px; }
.modal input { height: 38px; border-radius: var(--radius-sm); border: 1px solid var(--border-strong); background: var(--surface-2); color: var(--text); padding: 0 12px; font: 13px var(--mono); }
.modal input:focus { outline: 2px solid var(--accent); outline-offset: -1px; }
.modal .btn { justify-content: center; height: 38px; }
.modal-logo { width: 40px; height: 40px; border-radius: 11px; }
.modal-logo .icon { width: 24px; height: 24px; }
.error-text { color: var(--red); }
.error-text:empty { display: none; }
.help .keys { display: grid; grid-template-columns: auto 1fr; gap: 8px 16px; margin: 4px 0 0; font-size: 13px; }
.help dd { margin: 0; color: var(--text-2); }
kbd { display: inline-block; min-width: 22px; padding: 1px 6px; border-radius: 5px; border: 1px solid var(--border-strong); border-bottom-width: 2px; background: var(--surface-2); font: 600 11.5px var(--mono); text-align: center; }
.toasts { position: fixed; right: 20px; bottom: 20px; z-index: 70; display: grid; gap: 8px; justify-items: end; }
.toast {
  display: flex; align-items: center; gap: 9px; max-width: 440px; padding: 10px 14px; border-radius: var(--radius); font-size: 13px;
  background: var(--text); color: var(--bg); box-shadow: var(--shadow-lg); animation: rise .18s ease-out; transition: opacity .3s, transform .3s;
}
.toast .icon { color: var(--green); }
.toast.t-bad .icon { color: var(--red); }
.toast.out { opacity: 0; transform: translateY(6px); }
@keyframes rise { from { transform: translateY(8px); opacity: 0; } }

@media (max-width: 1100px) {
  .stats { grid-template-columns: repeat(4, minmax(0, 1fr)); }
  .rule-counts { display: none; }
}
@media (max-width: 700px) {
  .topbar { padding: 10px 14px; gap: 8px; flex-wrap: wrap; }
  .layout { padding: 14px; }
  .stats { grid-template-columns: repeat(2, minmax(0, 1fr)); }
  .fgroups { grid-template-columns: 1fr; }
  .meta { grid-template-columns: 100px minmax(0, 1fr); }
}
@media (prefers-reduced-motion: reduce) { *, *::before { animation: none !important; transition: none !important; } }
`
