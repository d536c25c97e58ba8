/** A hook in a rounded square: the favicon, inline so the page fetches nothing else. */
const FAVICON =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'%3E%3Crect width='32' height='32' rx='8' fill='%235b6cf0'/%3E" +
  "%3Cpath d='M19 7v10a5 5 0 0 1-10 0v-2' fill='none' stroke='white' stroke-width='3' stroke-linecap='round'/%3E%3Ccircle cx='19' cy='7' r='2.5' fill='white'/%3E%3C/svg%3E"

/** The page shell; app.js fills it. Every id here is looked up by app.js, every data-testid by the browser test. */
export const pageHtml = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="referrer" content="no-referrer">
<title>hookyard</title>
<link rel="icon" href="${FAVICON}">
<link rel="stylesheet" href="/ui/assets/style.css">
<script type="module" src="/ui/assets/app.js"></script>
</head>
<body>
<a class="skip" href="#events">Skip to events</a>
<header class="topbar" data-testid="topbar">
  <div class="brand"><span class="logo" id="logo"></span><span class="name">hookyard</span></div>
  <div class="rules" id="rules" data-testid="rules-info"></div>
  <div class="spacer"></div>
  <div class="conn" id="conn" data-testid="connection" role="status" aria-live="polite"></div>
  <button class="btn ghost" id="live-toggle" data-testid="live-toggle" type="button" aria-pressed="true" title="Pause or resume live refresh (p)"></button>
  <button class="btn ghost icon-only" id="refresh" data-testid="refresh" type="button" title="Refresh now (r)" aria-label="Refresh now"></button>
  <button class="btn ghost icon-only" id="theme-toggle" type="button" title="Light or dark theme (t)" aria-label="Toggle theme"></button>
  <button class="btn ghost icon-only" id="help-toggle" type="button" title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts"></button>
</header>
<main class="layout" id="main">
  <section class="stats" id="stats" data-testid="stats" aria-label="Last 24 hours"></section>
  <section id="paused" data-testid="paused-targets" aria-label="Paused targets"></section>
  <section class="panel" id="failed" data-testid="failed-panel" aria-labelledby="failed-title">
    <div class="panel-head">
      <h2 id="failed-title">Failed deliveries <span class="muted small">last 24 h</span></h2>
      <div class="spacer"></div>
    </div>
    <div id="failed-body"></div>
  </section>
  <section class="panel" id="schedules" data-testid="schedules-panel" aria-labelledby="schedules-title" hidden>
    <div class="panel-head">
      <h2 id="schedules-title">Schedules</h2>
      <div class="spacer"></div>
    </div>
    <div class="table-wrap" id="schedules-body"></div>
  </section>
  <section class="panel" id="events" data-testid="events-panel" aria-labelledby="events-title">
    <div class="panel-head">
      <h2 id="events-title">Recent events</h2>
      <div class="spacer"></div>
      <div class="filters">
        <label class="select"><span class="sr-only">Source</span><select id="filter-source" data-testid="filter-source"><option value="">All sources</option></select></label>
        <div class="segmented" id="filter-status" role="radiogroup" aria-label="Routing outcome" data-testid="filter-status"></div>
      </div>
    </div>
    <div class="table-wrap">
      <table class="events-table" data-testid="events-table">
        <thead><tr><th class="c-time">Received</th><th>Source</th><th>Event</th><th>Routes</th><th>Deliveries</th><th class="c-go"><span class="sr-only">Open</span></th></tr></thead>
        <tbody id="events-body" data-testid="events-body"></tbody>
      </table>
    </div>
    <div class="more" id="events-more"></div>
  </section>
</main>
<div class="scrim" id="scrim" hidden></div>
<aside class="drawer" id="drawer" data-testid="drawer" aria-label="Details" tabindex="-1" hidden></aside>
<div class="modal-wrap" id="token-prompt" data-testid="token-prompt" hidden>
  <form class="modal" id="token-form" autocomplete="off">
    <div class="modal-logo" id="modal-logo"></div>
    <h2>Admin token</h2>
    <p class="muted">The dashboard reads hookyard's admin API. <code>hookyard serve</code> prints a link that carries the token; or paste <code>HOOKYARD_ADMIN_TOKEN</code> here.</p>
    <p class="error-text" id="token-error" role="alert"></p>
    <input id="token-input" data-testid="token-input" type="password" placeholder="admin token" aria-label="Admin token" required>
    <button class="btn primary" type="submit" data-testid="token-submit">Open dashboard</button>
    <p class="muted small">Kept in this tab only (sessionStorage).</p>
  </form>
</div>
<div class="modal-wrap" id="help" hidden>
  <div class="modal help" role="dialog" aria-labelledby="help-title">
    <h2 id="help-title">Keyboard shortcuts</h2>
    <dl class="keys">
      <dt><kbd>j</kbd> <kbd>k</kbd></dt><dd>next / previous event</dd>
      <dt><kbd>Enter</kbd></dt><dd>open the focused row</dd>
      <dt><kbd>Esc</kbd></dt><dd>back / close the panel</dd>
      <dt><kbd>p</kbd></dt><dd>pause or resume live refresh</dd>
      <dt><kbd>r</kbd></dt><dd>refresh now</dd>
      <dt><kbd>f</kbd></dt><dd>jump to failed deliveries</dd>
      <dt><kbd>t</kbd></dt><dd>switch light / dark</dd>
      <dt><kbd>?</kbd></dt><dd>this help</dd>
    </dl>
  </div>
</div>
<div class="toasts" id="toasts" aria-live="polite"></div>
</body>
</html>
`
