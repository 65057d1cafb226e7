"""The therapist report's HTML template (Jinja2, rendered with autoescape).

Kept as a Python string so the package needs no data files. Everything in it is
self-contained: inline CSS, inline SVG charts, no scripts, no links to load; a
Content-Security-Policy forbids any request the file might otherwise make. Every text is
`t(key)` from `game.reports.report_text`, in the report's language.
"""

REPORT_TEMPLATE = """<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy"
      content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="FaceQuest {{ app_version }}">
<title>{{ t('page.title', name=name) }}</title>
<style>
  :root { --ink: #24323d; --soft: #5b6b78; --line: #dbe3e9; --band: #f3f7f9;
          --accent: #2f6f8f; --accent-soft: #e4f0f6; }
  * { box-sizing: border-box; }
  body { margin: 0; background: #eef3f6; color: var(--ink);
         font: 15px/1.5 "Noto Sans", "DejaVu Sans", "Segoe UI", Arial, "Noto Sans CJK SC",
               "Microsoft YaHei", "PingFang SC", sans-serif; }
  main { max-width: 1040px; margin: 0 auto; padding: 28px 36px 40px; background: #fff; }
  header { border-bottom: 3px solid var(--accent); padding-bottom: 14px; margin-bottom: 18px;
           display: flex; justify-content: space-between; align-items: flex-end; gap: 16px; }
  header .brand { color: var(--accent); font-weight: 600; letter-spacing: .04em;
                  text-transform: uppercase; font-size: 12px; }
  h1 { margin: 2px 0 0; font-size: 28px; line-height: 1.2; word-break: break-word; }
  h2 { font-size: 19px; margin: 30px 0 10px; color: var(--accent); }
  .ident { text-align: right; color: var(--soft); font-size: 13px; white-space: nowrap; }
  .ident b { color: var(--ink); font-family: "DejaVu Sans Mono", monospace; }
  .glance { background: var(--accent-soft); border-radius: 10px; padding: 14px 20px; }
  .glance p { margin: 6px 0; font-size: 16px; }
  .tiles { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; margin: 16px 0 4px; }
  .tile { border: 1px solid var(--line); border-radius: 10px; padding: 10px 14px; }
  .tile .big { font-size: 26px; font-weight: 600; color: var(--accent); }
  .tile .what { color: var(--soft); font-size: 13px; }
  .charts { display: grid; grid-template-columns: 1fr; gap: 8px; }
  figure { margin: 0; padding: 10px 6px 4px; border: 1px solid var(--line); border-radius: 10px;
           break-inside: avoid; page-break-inside: avoid; }
  figure svg { width: 100%; max-width: 810px; height: auto; display: block; margin: 0 auto; }
  figcaption { color: var(--soft); font-size: 13px; padding: 2px 12px 6px; text-align: center; }
  h3 { font-size: 16px; margin: 20px 0 6px; color: var(--ink); }
  section.motion figure { margin-bottom: 8px; }
  .motion-name { font-weight: 600; padding: 0 10px; }
  .caption { color: var(--soft); font-size: 13px; margin: 4px 2px 10px; }
  .strip-session { break-inside: avoid; page-break-inside: avoid; margin: 8px 0 10px;
                   border-top: 1px solid var(--line); padding-top: 6px; }
  .strip-heading { font-weight: 600; font-size: 14px; }
  .strip-session p { margin: 4px 0; }
  .strips { display: grid; grid-template-columns: repeat(3, 1fr); gap: 6px; }
  .strip svg { width: 100%; height: auto; display: block; }
  table { border-collapse: collapse; width: 100%; font-size: 13.5px; margin: 6px 0 4px; }
  th, td { border-bottom: 1px solid var(--line); padding: 6px 8px; text-align: right;
           vertical-align: top; }
  td { white-space: nowrap; }
  th { background: var(--band); font-weight: 600; font-size: 12.5px; line-height: 1.3;
       word-break: keep-all; }
  td.wrap { white-space: normal; overflow-wrap: break-word; min-width: 6em; }
  th:first-child, td:first-child, .text { text-align: left; }
  td.note { white-space: pre-wrap; overflow-wrap: anywhere; text-align: left; min-width: 14em; }
  tbody tr:nth-child(even) td { background: #fafcfd; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  .muted { color: var(--soft); }
  .note-box { border-left: 4px solid var(--accent); background: var(--band); padding: 8px 14px;
              white-space: pre-wrap; word-break: break-word; }
  dl.defs { display: grid; grid-template-columns: 210px 1fr; gap: 4px 14px; font-size: 13px; }
  dl.defs dt { font-weight: 600; }
  dl.defs dd { margin: 0; color: var(--soft); }
  footer { margin-top: 30px; padding-top: 10px; border-top: 1px solid var(--line);
           color: var(--soft); font-size: 12px; }
  @media (max-width: 760px) { .tiles { grid-template-columns: repeat(2, 1fr); } }
  @page { size: A4; margin: 14mm 12mm; }
  @media print {
    body { background: #fff; font-size: 11pt; }
    main { max-width: none; padding: 0; }
    h2 { break-after: avoid; page-break-after: avoid; }
    .glance, th, tbody tr:nth-child(even) td, .tile, .note-box {
      -webkit-print-color-adjust: exact; print-color-adjust: exact; }
    section { break-inside: auto; }
    .tiles { grid-template-columns: repeat(4, 1fr); }
    table { font-size: 8.5pt; }
    th { font-size: 8pt; }
    th, td { padding: 4px 5px; }
  }
</style>
</head>
<body>
<main>
<header>
  <div>
    <div class="brand">{{ t('page.brand') }}</div>
    <h1>{{ name }}</h1>
  </div>
  <div class="ident">
    {{ t('page.id') }} <b>{{ profile_id }}</b>{% if birth_year %} &middot;
    {{ t('page.born', year=birth_year) }}{% endif %}<br>
    {% if first_date %}{{ t('page.span', first=first_date, last=last_date) }}<br>{% endif %}
    {{ t('page.made_on', date=generated) }}
  </div>
</header>

<section class="glance" aria-label="{{ t('page.glance') }}">
  {% for sentence in sentences %}<p>{{ sentence }}</p>{% endfor %}
</section>

{% if tiles %}
<div class="tiles">
  {% for tile in tiles %}
  <div class="tile">
    <div class="big">{{ tile.value }}</div><div class="what">{{ tile.label }}</div>
  </div>
  {% endfor %}
</div>
{% endif %}

{% if charts %}
<section>
<h2>{{ t('section.progress') }}</h2>
<div class="charts">
{% for chart in charts %}
  <figure>{{ chart.svg }}<figcaption>{{ chart.caption }}</figcaption></figure>
{% endfor %}
</div>
</section>
{% endif %}

{% if expressions %}
<section>
<h2>{{ t('section.expressions') }}</h2>
<table>
  <thead><tr><th>{{ t('col.expression') }}</th><th>{{ t('col.tries') }}</th>
    <th>{{ t('col.made') }}</th><th>{{ t('col.made_pct') }}</th><th>{{ t('col.alone_pct') }}</th>
    <th>{{ t('col.latency') }}</th><th>{{ t('col.peak') }}</th>
    <th>{{ t('col.change') }}</th></tr></thead>
  <tbody>
  {% for row in expressions %}
    <tr><td>{{ row.name }}</td><td>{{ row.attempts }}</td><td>{{ row.made }}</td>
      <td>{{ row.made_pct }}</td><td>{{ row.alone_pct }}</td><td>{{ row.latency }}</td>
      <td>{{ row.peak }}</td><td>{{ row.change }}</td></tr>
  {% endfor %}
  </tbody>
</table>
</section>
{% endif %}

{% if motion %}
<section class="motion">
<h2>{{ t('section.motion') }}</h2>
<p class="muted">{{ t('motion.intro') }}</p>
{% for item in motion.expressions %}
<figure>
  <div class="motion-name">{{ item.name }}</div>
  {% if item.svg %}{{ item.svg }}{% endif %}
  <figcaption>{% if item.trends %}{{ item.trends }}<br>{% endif %}{{ item.counts }}</figcaption>
</figure>
{% endfor %}
<p class="caption">{{ t('caption.motion_trends') }}</p>
<h3>{{ t('motion.strips') }}</h3>
{% for session in motion.sessions %}
<div class="strip-session">
  <div class="strip-heading">{{ session.heading }}</div>
  {% if session.strips %}<div class="strips">{% for svg in session.strips %}
    <div class="strip">{{ svg }}</div>{% endfor %}</div>{% endif %}
  {% if session.line %}<p class="muted">{{ session.line }}</p>{% endif %}
</div>
{% endfor %}
<p class="caption">{{ t('caption.motion_strip') }}</p>
{% if motion.earlier %}<p class="muted">{{ motion.earlier }}</p>{% endif %}
</section>
{% endif %}

{% if programme %}
<section class="programme">
<h2>{{ t('section.programme') }}</h2>
<p class="muted">{{ t('programme.intro') }}</p>
{% for plan in programme %}
<h3>{{ t('programme.col.plan') }} {{ plan.plan_id }}: {{ plan.period }}</h3>
<p>{{ plan.rule }} {{ plan.summary }}</p>
<table class="steps">
  <thead><tr><th>{{ t('programme.col.step') }}</th><th class="text">{{ t('col.level_set') }}</th>
    <th class="text">{{ t('programme.col.state') }}</th></tr></thead>
  <tbody>
  {% for step in plan.steps %}
    <tr><td>{{ step.number }}</td><td class="text">{{ step.level_set }}</td>
      <td class="text wrap">{{ step.state }}</td></tr>
  {% endfor %}
  </tbody>
</table>
{% endfor %}
</section>
{% endif %}
{% if home %}
<section class="home">
<h2>{{ t('section.home') }}</h2>
<p class="muted">{{ t('home.intro') }}</p>
<table class="places">
  <thead><tr><th class="text">{{ t('col.place') }}</th><th>{{ t('col.sessions') }}</th>
    <th>{{ t('col.minutes') }}</th><th>{{ t('col.tries') }}</th>
    <th>{{ t('col.made_share') }}</th><th>{{ t('col.alone_share') }}</th></tr></thead>
  <tbody>
  {% for col in home.places %}
    <tr><td class="text">{{ col.place }}</td><td>{{ col.sessions }}</td><td>{{ col.minutes }}</td>
      <td>{{ col.attempts }}</td><td>{{ col.made }}</td><td>{{ col.alone }}</td></tr>
  {% endfor %}
  </tbody>
</table>
{% if home.plans %}
<table class="plans">
  <thead><tr><th class="text">{{ t('col.plan') }}</th><th class="text">{{ t('col.asked') }}</th>
    <th class="text">{{ t('col.period') }}</th><th>{{ t('col.days_practised') }}</th>
    <th>{{ t('col.minutes_practised') }}</th></tr></thead>
  <tbody>
  {% for plan in home.plans %}
    <tr><td class="text">{{ plan.plan_id }}</td><td class="text wrap">{{ plan.asked }}</td>
      <td class="text wrap">{{ plan.span }}</td><td>{{ plan.days }}</td>
      <td>{{ plan.minutes }}</td></tr>
  {% endfor %}
  </tbody>
</table>
{% else %}
<p class="muted">{{ t('home.no_plan') }}</p>
{% endif %}
</section>
{% endif %}

<section>
<h2>{{ t('section.sessions') }}</h2>
{% if sessions %}
<table class="sessions">
  <thead><tr><th>{{ t('col.number') }}</th><th class="text">{{ t('col.date') }}</th>
    <th>{{ t('col.minutes') }}</th><th class="text">{{ t('col.level_set') }}</th>
    <th>{{ t('col.trials') }}</th><th>{{ t('col.tries') }}</th>
    <th>{{ t('col.made_share') }}</th><th>{{ t('col.alone_share') }}</th>
    <th>{{ t('col.latency') }}</th><th>{{ t('col.peak_short') }}</th>
    <th>{{ t('col.overrides') }}</th><th class="text">{{ t('col.ended') }}</th></tr></thead>
  <tbody>
  {% for row in sessions %}
    <tr><td>{{ row.number }}</td>
      <td class="text">{{ row.date }}<br><span class="muted">{{ row.time }}</span>
        <br><span class="muted place">{{ row.place }}</span></td>
      <td>{{ row.minutes }}</td><td class="text wrap">{{ row.level_set }}</td>
      <td>{{ row.trials }}</td><td>{{ row.attempts }}</td><td>{{ row.made }}</td>
      <td>{{ row.alone }}</td><td>{{ row.latency }}</td><td>{{ row.peak }}</td>
      <td>{{ row.overrides }}</td><td class="text wrap">{{ row.ended }}</td></tr>
  {% endfor %}
  </tbody>
</table>
{% else %}
<p class="muted">{{ t('empty.sessions') }}</p>
{% endif %}
</section>

<section>
<h2>{{ t('section.notes') }}</h2>
{% if profile_notes %}<div class="note-box">{{ profile_notes }}</div>{% endif %}
{% if notes %}
<table class="notes">
  <thead><tr><th>{{ t('col.session') }}</th><th class="text">{{ t('col.date') }}</th>
    <th>{{ t('col.trial') }}</th><th class="text">{{ t('col.target') }}</th>
    <th class="text">{{ t('col.machine') }}</th><th class="text">{{ t('col.decision') }}</th>
    <th class="text">{{ t('col.note') }}</th></tr></thead>
  <tbody>
  {% for note in notes %}
    <tr><td>{{ note.session_number }}</td><td class="text">{{ note.day }}</td>
      <td>{{ note.trial_number or t('notes.whole_session') }}</td>
      <td class="text">{{ note.target }}</td>
      <td class="text">{{ note.machine_said }}</td><td class="text wrap">{{ note.decision }}</td>
      <td class="note">{{ note.text }}</td></tr>
  {% endfor %}
  </tbody>
</table>
{% elif not profile_notes %}
<p class="muted">{{ t('empty.notes') }}</p>
{% endif %}
</section>

<section>
<h2>{{ t('section.counting') }}</h2>
<dl class="defs">
  <dt>{{ t('def.try') }}</dt><dd>{{ t('def.try.text') }}</dd>
  <dt>{{ t('def.made') }}</dt><dd>{{ t('def.made.text') }}</dd>
  <dt>{{ t('def.alone') }}</dt><dd>{{ t('def.alone.text') }}</dd>
  <dt>{{ t('def.latency') }}</dt><dd>{{ t('def.latency.text') }}</dd>
  <dt>{{ t('def.peak') }}</dt><dd>{{ t('def.peak.text') }}</dd>
  <dt>{{ t('def.trial') }}</dt><dd>{{ t('def.trial.text') }}</dd>
  <dt>{{ t('def.versions') }}</dt><dd>{{ versions }}</dd>
</dl>
</section>

<footer>
  {{ t('footer', version=app_version, profile_id=profile_id) }}
</footer>
</main>
</body>
</html>
"""
