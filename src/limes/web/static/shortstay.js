// limes: the 90/180-day stay calculator page.
//
// The page holds no rule of its own: it collects stays, posts them to the JSON API
// and shows the answer in words and as a timeline. Plain modern JavaScript, no build.
"use strict";

(() => {
  const DAY_MS = 86400000;
  const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const SVG_NS = "http://www.w3.org/2000/svg";
  const LIMIT = 90;

  // ---------------------------------------------------------------- dates

  /** Days since 1970-01-01 of an ISO date (YYYY-MM-DD), in UTC. */
  const dayNumber = (iso) => {
    const [y, m, d] = iso.split("-").map(Number);
    return Date.UTC(y, m - 1, d) / DAY_MS;
  };
  const isoOf = (day) => new Date(day * DAY_MS).toISOString().slice(0, 10);
  /** The one date format of the page: "13 Dec 2014". */
  const formatDate = (iso) => {
    const [y, m, d] = iso.split("-").map(Number);
    return `${d} ${MONTHS[m - 1]} ${y}`;
  };
  const plural = (n, word = "day") => `${n} ${word}${n === 1 ? "" : "s"}`;

  // ---------------------------------------------------------------- DOM helpers

  const $ = (selector, root = document) => root.querySelector(selector);
  const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));

  /** An element with attributes and children (strings become text nodes). */
  const h = (tag, attrs = {}, ...children) => {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") el.className = value;
      else el.setAttribute(key, value === true ? "" : String(value));
    }
    el.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
    return el;
  };

  /** A `<time>` element showing an ISO date in the page's format. */
  const time = (iso) => h("time", { datetime: iso }, formatDate(iso));

  const s = (tag, attrs = {}, ...children) => {
    const el = document.createElementNS(SVG_NS, tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (value !== null && value !== undefined) el.setAttribute(key, String(value));
    }
    el.append(...children.filter((c) => c !== null && c !== undefined));
    return el;
  };

  // ---------------------------------------------------------------- stamps

  /**
   * Parse passport stamps ("+ddmmyy" entry, "-ddmmyy" exit) into stays.
   * Stamps may come in any order; each entry is paired with the next exit in date order.
   * Returns {stays} or {errors}.
   */
  const parseStamps = (text) => {
    const tokens = text.replace(/[\u2212\u2012\u2013\u2014]/g, "-").split(/[\s,;]+/).filter(Boolean);
    if (tokens.length === 0) return { errors: ["Paste at least one stamp, e.g. +150814 -300914."] };
    const errors = [];
    const stamps = [];
    for (const token of tokens) {
      const match = /^([+-])(\d{2})(\d{2})(\d{2})$/.exec(token);
      if (!match) {
        errors.push(`“${token}” is not a stamp: write +ddmmyy for an entry or -ddmmyy for an exit.`);
        continue;
      }
      const [, sign, dd, mm, yy] = match;
      const [d, m, y] = [Number(dd), Number(mm), 2000 + Number(yy)];
      const date = new Date(Date.UTC(y, m - 1, d));
      if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
        errors.push(`“${token}”: ${dd}/${mm}/${yy} is not a calendar date.`);
        continue;
      }
      stamps.push({ kind: sign === "+" ? "entry" : "exit", date: isoOf(date.getTime() / DAY_MS), token });
    }
    if (errors.length) return { errors };

    stamps.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    const stays = [];
    let open = null;
    for (let i = 0; i < stamps.length; ) {
      let j = i;
      while (j < stamps.length && stamps[j].date === stamps[i].date) j += 1;
      // On one day, an exit closes an open stay before an entry opens the next one,
      // and an entry opens a stay before an exit on the same day closes it.
      const entries = stamps.slice(i, j).filter((st) => st.kind === "entry");
      const exits = stamps.slice(i, j).filter((st) => st.kind === "exit");
      while (entries.length || exits.length) {
        if (open && exits.length) {
          stays.push({ entry: open.date, exit: exits.shift().date });
          open = null;
        } else if (!open && entries.length) {
          open = entries.shift();
        } else if (open) {
          errors.push(`Entry ${open.token} (${formatDate(open.date)}) has no exit stamp before the next entry.`);
          open = entries.shift();
        } else {
          const exit = exits.shift();
          errors.push(`Exit ${exit.token} (${formatDate(exit.date)}) has no entry stamp before it.`);
        }
      }
      i = j;
    }
    if (open) errors.push(`Entry ${open.token} (${formatDate(open.date)}) has no exit stamp.`);
    return errors.length ? { errors } : { stays };
  };

  // ---------------------------------------------------------------- page state

  const form = $("#calculator");
  if (!form) return;
  const rowsList = $("#stay-rows");
  const rowTemplate = $("#stay-row-template");
  const onInput = $("#on");
  const onLabel = $("#on-label");
  const submitButton = $("#submit");
  const result = $("#result");
  const problem = $("#problem");
  const answerBlock = $("#answer-block");
  const rowsStatus = $("#rows-status");
  const stampsInput = $("#stamps");
  const stampsError = $("#stamps-error");

  const rows = () => $$(".stay-row", rowsList);
  const field = (row, name) => $(`[data-field="${name}"]`, row);

  /** Give every row its number, ids, labels and API field paths. */
  const renumber = () => {
    rows().forEach((row, i) => {
      $(".stay-number", row).textContent = String(i + 1);
      row.dataset.index = String(i);
      for (const name of ["entry", "exit", "country"]) {
        const input = field(row, name);
        const error = $(`[data-error-for="${name}"]`, row);
        input.id = `stay-${i}-${name}`;
        input.dataset.path = `stays[${i}].${name}`;
        error.id = `stay-${i}-${name}-error`;
        error.dataset.errorPath = `stays[${i}].${name}`;
        input.setAttribute("aria-describedby", error.id);
        $(`label[data-for="${name}"]`, row).htmlFor = input.id;
      }
      const exempt = field(row, "exempt");
      exempt.id = `stay-${i}-exempt`;
      exempt.dataset.path = `stays[${i}].exempt`;
      const rowError = $('[data-error-for="row"]', row);
      rowError.id = `stay-${i}-error`;
      rowError.dataset.errorPath = `stays[${i}]`;
      $("fieldset", row).setAttribute("aria-describedby", rowError.id);
      $(".remove-stay", row).setAttribute("aria-label", `Remove stay ${i + 1}`);
    });
  };

  const addRow = (stay = {}) => {
    const row = rowTemplate.content.firstElementChild.cloneNode(true);
    field(row, "entry").value = stay.entry || "";
    field(row, "exit").value = stay.exit || "";
    field(row, "country").value = stay.country || "";
    field(row, "exempt").checked = Boolean(stay.exempt);
    rowsList.append(row);
    renumber();
    return row;
  };

  const removeRow = (row) => {
    const all = rows();
    const index = all.indexOf(row);
    row.remove();
    renumber();
    const left = rows();
    const next = left[Math.min(index, left.length - 1)];
    (next ? field(next, "entry") : $("#add-stay")).focus();
    rowsStatus.textContent = `Stay ${index + 1} removed.`;
  };

  const replaceRows = (stays) => {
    rowsList.replaceChildren();
    stays.forEach((stay) => addRow(stay));
    if (stays.length === 0) addRow();
  };

  // ---------------------------------------------------------------- errors next to fields

  const clearErrors = () => {
    for (const el of $$("[data-error-path]", document)) {
      el.hidden = true;
      el.textContent = "";
    }
    for (const el of $$('[aria-invalid="true"]', form)) el.removeAttribute("aria-invalid");
    problem.hidden = true;
    problem.replaceChildren();
  };

  /** API field paths come as `stays[1].entry`; accept `stays.1.entry` too. */
  const normalisePath = (path) => String(path || "").replace(/\.(\d+)(?=\.|$)/g, "[$1]");

  /** Show `reason` next to the field at `path` (or its nearest shown parent); false if none. */
  const showFieldError = (path, reason, indexMap) => {
    let p = normalisePath(path).replace(/^stays\[(\d+)\]/, (_, i) => `stays[${indexMap[Number(i)] ?? i}]`);
    while (p) {
      const errorEl = $(`[data-error-path="${CSS.escape(p)}"]`, document);
      if (errorEl) {
        errorEl.textContent = errorEl.textContent ? `${errorEl.textContent} ${reason}` : reason;
        errorEl.hidden = false;
        const input = $(`[data-path="${CSS.escape(p)}"]`, form);
        if (input) input.setAttribute("aria-invalid", "true");
        const details = errorEl.closest("details");
        if (details) details.open = true;
        return true;
      }
      p = p.includes(".") || p.includes("[") ? p.replace(/(\.[^.[\]]*|\[\d+\])$/, "") : "";
    }
    return false;
  };

  const showProblem = (title, detail, extra = []) => {
    // replaceChildren would print a null as the text "null": leave absent parts out.
    problem.replaceChildren(...[h("strong", {}, title), detail ? h("p", {}, detail) : null,
      extra.length ? h("ul", {}, extra.map((e) => h("li", {}, e))) : null].filter(Boolean));
    problem.hidden = false;
    answerBlock.hidden = true;
    result.hidden = false;
  };

  const renderProblem = (body, indexMap) => {
    const unplaced = [];
    for (const error of Array.isArray(body.errors) ? body.errors : []) {
      if (!showFieldError(error.field, error.reason, indexMap)) {
        unplaced.push(error.field ? `${error.field}: ${error.reason}` : error.reason);
      }
    }
    showProblem(body.title || "The calculation could not be made.", body.detail || "", unplaced);
    const firstInvalid = $('[aria-invalid="true"]', form);
    if (firstInvalid) firstInvalid.focus();
  };

  // ---------------------------------------------------------------- the request

  /** The request body, and for each submitted stay the on-screen row it came from. */
  const collect = () => {
    const stays = [];
    const indexMap = [];
    rows().forEach((row, i) => {
      const entry = field(row, "entry").value;
      const exit = field(row, "exit").value;
      const country = field(row, "country").value.trim().toUpperCase();
      if (!entry && !exit && !country) return; // an untouched row is not a stay
      const stay = { entry: entry || null, exit: exit || null };
      if (country) stay.country = country;
      if (field(row, "exempt").checked) stay.exempt = true;
      stays.push(stay);
      indexMap.push(i);
    });
    const mode = $('input[name="mode"]:checked', form).value;
    const visaFrom = $("#visa-valid-from").value;
    const visaUntil = $("#visa-valid-until").value;
    const visaDuration = $("#visa-duration").value;
    let visa = null;
    if (visaFrom || visaUntil || visaDuration) {
      const used = $("#visa-entries-used").value;
      visa = {
        valid_from: visaFrom || null,
        valid_until: visaUntil || null,
        duration_days: visaDuration === "" ? null : Number(visaDuration),
        entries: $("#visa-entries").value,
        entries_used: used === "" ? 0 : Number(used),
      };
    }
    return { body: { stays, on: onInput.value || null, mode, visa }, indexMap };
  };

  /** Dates the API needs and the form left empty (or the browser could not read). */
  const missingFields = (body, indexMap) => {
    const missing = [];
    body.stays.forEach((stay, i) => {
      if (!stay.entry) missing.push([`stays[${indexMap[i]}].entry`, "Enter the date of entry."]);
      if (!stay.exit) missing.push([`stays[${indexMap[i]}].exit`, "Enter the date of exit."]);
    });
    if (!body.on) missing.push(["on", "Enter the date."]);
    if (body.visa) {
      if (!body.visa.valid_from) missing.push(["visa.valid_from", "Enter the first day of validity."]);
      if (!body.visa.valid_until) missing.push(["visa.valid_until", "Enter the last day of validity."]);
      if (body.visa.duration_days === null) missing.push(["visa.duration_days", "Enter the duration of stay."]);
    }
    return missing;
  };

  const submit = async () => {
    clearErrors();
    const { body, indexMap } = collect();
    const missing = missingFields(body, indexMap);
    if (missing.length) {
      const identity = body.stays.map((_, i) => i);
      for (const [path, reason] of missing) showFieldError(path, reason, identity);
      result.hidden = true;
      $('[aria-invalid="true"]', form).focus();
      return;
    }
    submitButton.setAttribute("aria-busy", "true");
    submitButton.disabled = true;
    let response;
    try {
      response = await fetch(form.dataset.api, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json, application/problem+json" },
        body: JSON.stringify(body),
      });
    } catch {
      showProblem("The calculator could not be reached.", "Check the connection and try again.");
      return;
    } finally {
      submitButton.removeAttribute("aria-busy");
      submitButton.disabled = false;
    }
    let data = null;
    if ((response.headers.get("content-type") || "").includes("json")) {
      try {
        data = await response.json();
      } catch {
        data = null;
      }
    }
    if (response.ok && data && typeof data.days_used === "number" && data.window) {
      renderAnswer(data);
    } else if (!response.ok && data && (data.detail || Array.isArray(data.errors))) {
      renderProblem(data, indexMap);
    } else {
      showProblem("The calculator could not answer.", `The server replied with an unexpected response (HTTP ${response.status}). Please try again later.`);
    }
    revealResult();
  };

  const revealResult = () => {
    const top = result.getBoundingClientRect().top;
    if (top > window.innerHeight * 0.8) {
      const smooth = !window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      result.scrollIntoView({ behavior: smooth ? "smooth" : "auto", block: "start" });
    }
  };

  // ---------------------------------------------------------------- the answer in words

  const LIMITED_BY = {
    rule_90_180: "the 90/180-day rule",
    visa_validity: "the visa's period of validity",
    visa_duration: "the visa's duration of stay",
    visa_entries: "the visa's number of entries",
  };

  /** Sentences of an answer (planning_days, stay_until, next_entry), as the EC calculator words them. */
  const outcomeSentences = (mode, answer, official) => {
    if (!answer.stay_until) {
      const lines = [["A stay may not be authorised."]];
      if (answer.next_entry) {
        lines.push(["From ", time(answer.next_entry.date), ` a stay may be authorised for ${plural(answer.next_entry.days)}.`]);
      }
      return lines;
    }
    if (mode === "planning") {
      return [[`The stay may be authorised for up to ${plural(answer.planning_days)} (until `, time(answer.stay_until), ")."]];
    }
    const lines = official ? [["No overstay in the registration period."]] : [];
    lines.push(["Possible stay until ", time(answer.stay_until), "."]);
    return lines;
  };

  const renderAnswer = (r) => {
    const answer = $("#answer");
    let tone;
    let lines;
    if (r.overstay) {
      tone = "overstay";
      lines = [];
      for (const o of r.overstays) {
        lines.push(["Overstay in the period from ", time(o.from), " to ", time(o.to), ` (${plural(o.days)}).`]);
        lines.push(["Days of stay in the 180-day period from ", time(o.window.from), " to ", time(o.window.to), `: ${plural(o.days_in_window)}.`]);
      }
      if (!r.stay_until && !r.next_entry) lines.push(["An overstay in the entered history stops the planning and check answers."]);
    } else {
      tone = r.stay_until ? "ok" : "refused";
      lines = outcomeSentences(r.mode, r, true);
    }
    answer.className = `answer tone-${tone}`;
    answer.replaceChildren(...lines.map((parts, i) => h("p", { class: i === 0 ? "lead" : null }, ...parts)));

    const unofficial = $("#ignoring-overstay");
    if (r.overstay && r.ignoring_overstay) {
      unofficial.replaceChildren(
        h("p", { class: "badge" }, "Not the official answer"),
        h("p", {}, "Leaving the overstay aside and counting only the 180-day window ending on the date:"),
        ...outcomeSentences(r.mode, r.ignoring_overstay, false).map((parts) => h("p", { class: "unofficial-answer", "data-testid": "ignoring-overstay-answer" }, ...parts)),
      );
      unofficial.hidden = false;
    } else {
      unofficial.hidden = true;
      unofficial.replaceChildren();
    }

    renderFigures(r);
    $("#explanation").textContent = r.explanation || "";
    renderCountedStays(r.stays || []);
    const timeline = $("#timeline");
    timeline.replaceChildren(drawTimeline(r));
    $("#timeline-caption").textContent =
      "The 180-day window ends on the date; recorded days leave it one by one as the window moves forward.";

    problem.hidden = true;
    answerBlock.hidden = false;
    result.hidden = false;
  };

  const renderFigures = (r) => {
    const figure = (label, testid, value, note) =>
      h("div", { class: "figure" }, h("dt", {}, label), h("dd", {}, h("span", { class: typeof value === "string" && !/^\d+$/.test(value) ? "value text" : "value", "data-testid": testid }, value), note ? h("small", {}, note) : null));
    const items = [
      figure("Days used in the 180-day window", "days-used", String(r.days_used), h("span", {}, "of 90, from ", time(r.window.from), " to ", time(r.window.to))),
    ];
    if (r.mode === "planning" && r.planning_days !== null && r.planning_days !== undefined) {
      items.push(figure("Days that may be authorised", "planning-days", String(r.planning_days), r.stay_until ? h("span", {}, "until ", time(r.stay_until)) : null));
    } else if (r.stay_until) {
      items.push(figure("Possible stay until", "stay-until", time(r.stay_until), null));
    } else if (r.next_entry) {
      items.push(figure("Next possible entry", "next-entry", time(r.next_entry.date), `for ${plural(r.next_entry.days)}`));
    }
    if (r.limited_by) items.push(figure("Limited by", "limited-by", LIMITED_BY[r.limited_by] || r.limited_by, null));
    $("#figures").replaceChildren(...items);
  };

  const renderCountedStays = (stays) => {
    $("#counted-stays").replaceChildren(...stays.map((st) => h("tr", {},
      h("td", {}, time(st.entry)), h("td", {}, time(st.exit)), h("td", {}, st.country || "–"),
      h("td", {}, String(st.counted_days)), h("td", {}, st.note || (st.exempt ? "Not counted: residence permit or long-stay visa" : "")))));
  };

  // ---------------------------------------------------------------- the timeline

  const W = 960;
  const LEFT = 118;
  const RIGHT = 16;
  const LANE_H = 26;
  const Y = { label: 14, bracket: 24, top: 32, stays: 44, allowed: 84, bottom: 126, axis: 128 };

  /** An inline SVG: the 180-day window, stays, rolled-out days, the allowed stay and overstays. */
  const drawTimeline = (r) => {
    const on = dayNumber(r.on);
    const winFrom = dayNumber(r.window.from);
    const winTo = dayNumber(r.window.to);
    const until = r.stay_until ? dayNumber(r.stay_until) : null;
    const ignoring = r.ignoring_overstay;
    const ignoringUntil = ignoring && ignoring.stay_until ? dayNumber(ignoring.stay_until) : null;
    const next = r.next_entry || (ignoring && !ignoring.stay_until ? ignoring.next_entry : null);
    const nextOfficial = Boolean(r.next_entry);
    const nextDay = next ? dayNumber(next.date) : null;

    let start = winFrom;
    for (const o of r.overstays || []) start = Math.min(start, dayNumber(o.from) - 7);
    let end = Math.max(winTo, until ?? winTo, ignoringUntil ?? winTo);
    if (nextDay !== null) end = Math.max(end, nextDay + Math.min(next.days, 30));
    start -= 3;
    end += 4;
    const span = end - start;
    const x = (day) => LEFT + ((Math.min(Math.max(day, start), end) - start) / span) * (W - LEFT - RIGHT);
    const width = (from, to) => Math.max(x(to + 1) - x(from), 1.5);

    const stays = r.stays || [];
    const counted = stays.filter((st) => !st.exempt && st.counted_days > 0);
    const titleText = `Timeline of the 180-day window from ${formatDate(r.window.from)} to ${formatDate(r.window.to)}`;
    const desc = [`${plural(r.days_used)} used of 90 in the window.`,
      `${plural(stays.length, "recorded stay")}, ${plural(counted.length, "counted stay")}.`];
    if (until !== null) desc.push(`Allowed stay from ${formatDate(r.on)} until ${formatDate(r.stay_until)}.`);
    if (r.overstay) desc.push(`${plural(r.overstays.length, "overstay")} shown in red.`);
    if (next) desc.push(`Next possible entry on ${formatDate(next.date)}.`);

    const height = 204;
    const svg = s("svg", {
      viewBox: `0 0 ${W} ${height}`, class: "tl", role: "img", "data-testid": "timeline",
      "aria-labelledby": "tl-title tl-desc", preserveAspectRatio: "xMinYMin meet",
    },
    s("title", { id: "tl-title" }, titleText),
    s("desc", { id: "tl-desc" }, desc.join(" ")),
    s("defs", {},
      s("pattern", { id: "tl-hatch", width: 6, height: 6, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" },
        s("rect", { width: 6, height: 6, class: "tl-exempt-bg" }), s("rect", { width: 2.2, height: 6, class: "tl-exempt-line" })),
      s("pattern", { id: "tl-roll", width: 8, height: 8, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" },
        s("rect", { width: 3.5, height: 8, class: "tl-roll-line" }))));

    // Window: shading and bracket with its label.
    const wx0 = x(winFrom);
    const wx1 = x(winTo + 1);
    svg.append(
      s("rect", { x: wx0, y: Y.top, width: wx1 - wx0, height: Y.bottom - Y.top, class: "tl-window", "data-testid": "timeline-window" },
        s("title", {}, `180-day window: ${formatDate(r.window.from)} – ${formatDate(r.window.to)}`)),
      s("path", { d: `M${wx0} ${Y.top} V${Y.bracket} H${wx1} V${Y.top}`, class: "tl-bracket" }),
      s("text", { x: (wx0 + wx1) / 2, y: Y.label, class: "tl-label tl-strong", "text-anchor": "middle" },
        `180-day window ${formatDate(r.window.from)} – ${formatDate(r.window.to)}: ${r.days_used} of ${LIMIT} days used`));

    // Lanes.
    svg.append(
      s("text", { x: 4, y: Y.stays + LANE_H / 2 + 4, class: "tl-lane" }, "Recorded stays"),
      s("text", { x: 4, y: Y.allowed + LANE_H / 2 + 4, class: "tl-lane" }, r.mode === "planning" ? "Planned stay" : "Possible stay"),
      s("line", { x1: LEFT, x2: W - RIGHT, y1: Y.stays + LANE_H + 7, y2: Y.stays + LANE_H + 7, class: "tl-grid" }));

    const hidden = stays.filter((st) => dayNumber(st.exit) < start).length;
    if (hidden) {
      svg.append(s("text", { x: LEFT + 2, y: Y.stays - 3, class: "tl-small" },
        s("title", {}, `${plural(hidden, "earlier stay")} outside the picture`), `◂ ${plural(hidden, "earlier stay")}`));
    }

    for (const st of stays) {
      const a = dayNumber(st.entry);
      const b = dayNumber(st.exit);
      if (b < start || a > end) continue;
      const exempt = st.exempt || st.counted_days === 0;
      svg.append(s("rect", {
        x: x(a), y: Y.stays, width: width(a, b), height: LANE_H, rx: 3,
        class: exempt ? "tl-exempt" : "tl-stay", "data-testid": exempt ? "timeline-exempt" : "timeline-stay",
      }, s("title", {}, `Stay ${formatDate(st.entry)} – ${formatDate(st.exit)}${st.country ? ` (${st.country})` : ""}: ${exempt ? "not counted" : `${plural(st.counted_days)} counted`}`)));
    }
    for (const ro of r.rolling_out || []) {
      const a = dayNumber(ro.from);
      const b = dayNumber(ro.to);
      svg.append(s("rect", { x: x(a), y: Y.stays, width: width(a, b), height: LANE_H, class: "tl-roll", "data-testid": "timeline-rolling-out" },
        s("title", {}, `${plural(ro.days)} (${formatDate(ro.from)} – ${formatDate(ro.to)}) leave the window during the stay`)));
    }
    for (const o of r.overstays || []) {
      const a = dayNumber(o.from);
      const b = dayNumber(o.to);
      svg.append(s("rect", { x: x(a), y: Y.stays - 3, width: width(a, b), height: LANE_H + 6, rx: 2, class: "tl-overstay", "data-testid": "timeline-overstay" },
        s("title", {}, `Overstay ${formatDate(o.from)} – ${formatDate(o.to)}: ${plural(o.days)}`)));
      svg.append(s("text", { x: x(b + 1) + 4, y: Y.stays + LANE_H / 2 + 4, class: "tl-label tl-overstay-text" }, `${plural(o.days)} over`));
    }

    // The allowed (planned) stay, or the not-official one when an overstay blocks it.
    // A bar's label goes inside it, else after it, else before it (where the lane is empty).
    const barLabel = (a, b, text, cls) => {
      const w = x(b + 1) - x(a);
      const textWidth = text.length * 6.6 + 12;
      const y = Y.allowed + LANE_H / 2 + 4;
      if (w > textWidth) return s("text", { x: x(a) + w / 2, y, "text-anchor": "middle", class: "tl-bar-text" }, text);
      const after = x(b + 1) + textWidth < W;
      return s("text", {
        x: after ? x(b + 1) + 6 : x(a) - 6, y, "text-anchor": after ? "start" : "end", class: `tl-label ${cls || ""}`,
      }, text);
    };
    if (until !== null && until >= on) {
      const days = until - on + 1;
      svg.append(
        s("rect", { x: x(on), y: Y.allowed, width: width(on, until), height: LANE_H, rx: 3, class: "tl-allowed", "data-testid": "timeline-planned" },
          s("title", {}, `${r.mode === "planning" ? "Planned" : "Possible"} stay ${formatDate(r.on)} – ${formatDate(r.stay_until)} (${plural(days)})`)),
        barLabel(on, until, `${plural(days)}, until ${formatDate(r.stay_until)}`));
    } else if (ignoringUntil !== null && ignoringUntil >= on) {
      svg.append(
        s("rect", { x: x(on), y: Y.allowed, width: width(on, ignoringUntil), height: LANE_H, rx: 3, class: "tl-unofficial", "data-testid": "timeline-unofficial" },
          s("title", {}, `Not the official answer: ignoring the overstay, a stay until ${formatDate(ignoring.stay_until)}`)),
        barLabel(on, ignoringUntil, `not official: until ${formatDate(ignoring.stay_until)}`, "tl-muted"));
    } else {
      svg.append(s("text", { x: x(on) + 6, y: Y.allowed + LANE_H / 2 + 4, class: "tl-label tl-muted" },
        r.overstay ? "Blocked by the overstay" : "No stay possible on this date"));
    }
    if (nextDay !== null) {
      const nx = x(nextDay);
      const nEnd = nextDay + next.days - 1;
      svg.append(
        s("rect", { x: nx, y: Y.allowed, width: Math.max(x(nEnd + 1) - nx, 2), height: LANE_H, rx: 3, class: "tl-next", "data-testid": "timeline-next-entry" },
          s("title", {}, `${nextOfficial ? "" : "Not the official answer: "}From ${formatDate(next.date)} a stay may be authorised for ${plural(next.days)}`)),
        s("text", { x: Math.min(nx + 4, W - RIGHT - 4), y: Y.allowed - 4, class: "tl-small", "text-anchor": nx + 120 > W ? "end" : "start" },
          `${nextOfficial ? "" : "not official: "}from ${formatDate(next.date)}`));
    }

    // The date of entry or control.
    const ox = x(on);
    svg.append(
      s("line", { x1: ox, x2: ox, y1: Y.top - 2, y2: Y.bottom + 2, class: "tl-on" }),
      s("text", { x: ox, y: Y.bottom - 3, class: "tl-small tl-on-text", "text-anchor": ox > W - 160 ? "end" : "start", dx: ox > W - 160 ? -4 : 4 },
        `${r.mode === "planning" ? "Entry" : "Control"} ${formatDate(r.on)}`));

    // Date axis with month ticks; the year under each January and the first month.
    svg.append(s("line", { x1: LEFT, x2: W - RIGHT, y1: Y.axis, y2: Y.axis, class: "tl-axis" }));
    const first = new Date(start * DAY_MS);
    let month = Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), 1) / DAY_MS;
    let labelledYear = false;
    while (month <= end) {
      const d = new Date(month * DAY_MS);
      const nextMonth = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) / DAY_MS;
      if (month >= start) svg.append(s("line", { x1: x(month), x2: x(month), y1: Y.axis, y2: Y.axis + 6, class: "tl-axis" }));
      const a = x(Math.max(month, start));
      const b = x(Math.min(nextMonth, end));
      if (b - a > 22) {
        svg.append(s("text", { x: (a + b) / 2, y: Y.axis + 19, "text-anchor": "middle", class: "tl-small" }, MONTHS[d.getUTCMonth()]));
        if (d.getUTCMonth() === 0 || !labelledYear) {
          svg.append(s("text", { x: (a + b) / 2, y: Y.axis + 33, "text-anchor": "middle", class: "tl-small tl-strong" }, String(d.getUTCFullYear())));
          labelledYear = true;
        }
      }
      month = nextMonth;
    }

    // Legend: one entry per kind of mark drawn.
    const drawn = (testid) => svg.querySelector(`[data-testid="${testid}"]`) !== null;
    const legend = [
      ["timeline-stay", "tl-stay", "Counted days"],
      ["timeline-rolling-out", "tl-stay tl-roll-swatch", "Leave the window during the stay"],
      ["timeline-exempt", "tl-exempt", "Not counted"],
      ["timeline-overstay", "tl-overstay", "Overstay"],
      ["timeline-planned", "tl-allowed", r.mode === "planning" ? "Planned stay" : "Possible stay"],
      ["timeline-unofficial", "tl-unofficial", "Not official: ignoring the overstay"],
      ["timeline-next-entry", "tl-next", nextOfficial ? "Next possible stay" : "Next stay, not official"],
    ].filter(([testid]) => drawn(testid));
    let lx = LEFT;
    const ly = height - 14;
    for (const [, cls, text] of legend) {
      const g = s("g", { class: "tl-legend-item" });
      g.append(s("rect", { x: lx, y: ly - 10, width: 14, height: 12, rx: 2, class: cls.replace(" tl-roll-swatch", "") }));
      if (cls.includes("tl-roll-swatch")) g.append(s("rect", { x: lx, y: ly - 10, width: 14, height: 12, rx: 2, class: "tl-roll" }));
      g.append(s("text", { x: lx + 19, y: ly, class: "tl-small" }, text));
      svg.append(g);
      lx += 19 + text.length * 6.3 + 18;
    }
    return svg;
  };

  // ---------------------------------------------------------------- wiring

  const syncModeLabel = () => {
    const mode = $('input[name="mode"]:checked', form).value;
    onLabel.textContent = onLabel.dataset[mode === "check" ? "labelCheck" : "labelPlanning"];
  };

  const readStamps = () => {
    const parsed = parseStamps(stampsInput.value);
    if (parsed.errors) {
      stampsError.replaceChildren(h("ul", {}, parsed.errors.map((e) => h("li", {}, e))));
      stampsError.hidden = false;
      stampsInput.setAttribute("aria-invalid", "true");
      stampsInput.focus();
      return;
    }
    stampsError.hidden = true;
    stampsError.replaceChildren();
    stampsInput.setAttribute("aria-invalid", "false");
    replaceRows(parsed.stays);
    rowsStatus.textContent = `${plural(parsed.stays.length, "stay")} read from the stamps.`;
  };

  $("#add-stay").addEventListener("click", () => {
    const row = addRow();
    field(row, "entry").focus();
    rowsStatus.textContent = `Stay ${rows().length} added.`;
  });
  rowsList.addEventListener("click", (event) => {
    const button = event.target.closest(".remove-stay");
    if (button) removeRow(button.closest(".stay-row"));
  });
  $("#read-stamps").addEventListener("click", readStamps);
  stampsInput.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      readStamps();
    }
  });
  for (const radio of $$('input[name="mode"]', form)) radio.addEventListener("change", syncModeLabel);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit();
  });
  // Editing a field clears its error.
  form.addEventListener("input", (event) => {
    const path = event.target.dataset && event.target.dataset.path;
    if (!path || event.target.getAttribute("aria-invalid") !== "true") return;
    event.target.removeAttribute("aria-invalid");
    const errorEl = $(`[data-error-path="${CSS.escape(path)}"]`, document);
    if (errorEl) errorEl.hidden = true;
  });

  addRow();
  syncModeLabel();
  form.dataset.ready = "true";
})();
