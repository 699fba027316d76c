// What a phone user meets on the page as it stands: measured in the real browser, returned as a list of problems.
// Called by tests/test_phone_layout.py with Playwright's page.evaluate(script).
() => {
  const inner = window.innerWidth;
  const problems = [];
  const round = (value) => Math.round(value * 10) / 10;
  const size = (rect) => `${round(rect.width)}×${round(rect.height)} px`;
  const describe = (el) => {
    const parts = [];
    for (let node = el, depth = 0; node && node.nodeType === 1 && depth < 4; node = node.parentElement, depth++) {
      let part = node.tagName.toLowerCase();
      if (node.id) {
        parts.unshift(`${part}#${node.id}`);
        break;
      }
      const classes = [...node.classList].slice(0, 2).join(".");
      if (classes) part += `.${classes}`;
      const parent = node.parentElement;
      if (parent) {
        const same = [...parent.children].filter((child) => child.tagName === node.tagName);
        if (same.length > 1) part += `:nth-of-type(${same.indexOf(node) + 1})`;
      }
      parts.unshift(part);
    }
    const text = (el.textContent || el.value || el.getAttribute("aria-label") || "").trim().replace(/\s+/g, " ");
    return parts.join(" > ") + (text ? ` «${text.slice(0, 40)}»` : "");
  };
  const shown = (el) => {
    const rect = el.getBoundingClientRect();
    if (rect.width <= 1 || rect.height <= 1) return false;
    return el.checkVisibility({ opacityProperty: true, visibilityProperty: true, contentVisibilityAuto: true });
  };
  const problem = (kind, el, detail) => problems.push({ kind, element: describe(el), detail });

  // 1. No sideways scrolling of the page: name the outermost elements that stick out of the screen.
  const scrollWidth = document.documentElement.scrollWidth;
  if (scrollWidth > inner) {
    const inScrollBox = (el) => {
      for (let node = el.parentElement; node && node !== document.body; node = node.parentElement) {
        if (getComputedStyle(node).overflowX !== "visible") return true;
      }
      return false;
    };
    const over = new Set([...document.body.querySelectorAll("*")].filter(
      (el) => el.getBoundingClientRect().right > inner + 0.5 && el.checkVisibility() && !inScrollBox(el)));
    const outermost = [...over].filter((el) => !over.has(el.parentElement)).slice(0, 5);
    for (const el of outermost) problem("page-scroll", el, `ends at ${round(el.getBoundingClientRect().right)} px on a ${inner} px screen`);
    if (!outermost.length) problems.push({ kind: "page-scroll", element: "html", detail: `${scrollWidth} px wide` });
  }

  // 2. The top bar stays small.
  const top = document.querySelector("body > header");
  if (top && top.getBoundingClientRect().height > 56.5) problem("top-bar", top, `${round(top.getBoundingClientRect().height)} px tall (56 at most)`);

  // 3. Every control can be hit: 24×24 at least (links inside a sentence excepted, as WCAG 2.5.8 allows);
  //    primary actions and date or time fields 44 px tall.
  const sentence = (el) => {
    if (el.tagName !== "A" || getComputedStyle(el).display !== "inline") return false;
    let block = el.parentElement;
    while (block && getComputedStyle(block).display.startsWith("inline")) block = block.parentElement;
    if (!block || ["TD", "TH"].includes(block.tagName)) return false;
    return /[\p{L}\p{N}]/u.test(block.textContent.replace(el.textContent, ""));
  };
  const controls = "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex='-1'])";
  for (const el of document.querySelectorAll(controls)) {
    if (el.tagName === "MAIN") continue;
    let target = el;
    if (!shown(el) && el.labels && el.labels.length) target = el.labels[0];  // a styled choice: its label is the target
    if (!shown(target) || sentence(target)) continue;
    const rect = target.getBoundingClientRect();
    if (rect.width < 23.5 || rect.height < 23.5) problem("small-target", target, `${size(rect)} (24×24 at least)`);
  }
  // (a submit button drawn as a link, such as a row's "Supprimer", is a secondary action)
  const primary = "form button:not([type=button]):not([type=reset]):not(.link), a.button, button.button, input[type=submit]";
  for (const el of document.querySelectorAll(primary)) {
    if (!shown(el)) continue;
    const rect = el.getBoundingClientRect();
    if (rect.height < 43.5) problem("small-action", el, `${round(rect.height)} px tall (44 at least)`);
  }
  for (const el of document.querySelectorAll("input[type=date], input[type=time], input[type=datetime-local], input[type=month], input[type=week]")) {
    if (!shown(el)) continue;
    const rect = el.getBoundingClientRect();
    if (rect.height < 43.5) problem("small-field", el, `${round(rect.height)} px tall (44 at least)`);
  }

  // 4. Charts: text at least 12 px as rendered (a viewBox scales it), and inside the drawing.
  for (const text of document.querySelectorAll("svg text")) {
    if (!shown(text) || !text.textContent.trim()) continue;
    const matrix = text.getScreenCTM();
    const rendered = parseFloat(getComputedStyle(text).fontSize) * Math.hypot(matrix.a, matrix.b);
    if (rendered < 11.95) problem("chart-text", text, `${round(rendered)} px (12 at least)`);
    const box = text.getBoundingClientRect();
    const frame = text.ownerSVGElement.getBoundingClientRect();
    if (box.left < frame.left - 1 || box.right > frame.right + 1 || box.top < frame.top - 1 || box.bottom > frame.bottom + 1) {
      problem("chart-cut", text, `text ${round(box.left)}–${round(box.right)} px, drawing ${round(frame.left)}–${round(frame.right)} px`);
    }
  }

  // 5. Tables: as cards, each cell labelled (data-label, or the heading of its one-value row); as a table too wide for the screen, inside its own labelled,
  //    focusable scroll box.
  for (const table of document.querySelectorAll("table")) {
    if (!shown(table)) continue;
    const cells = [...table.querySelectorAll("td")].filter(shown);
    if (cells.some((cell) => getComputedStyle(cell).display !== "table-cell")) {
      for (const cell of cells) {
        const label = cell.dataset.label;
        const row = cell.parentElement;  // a row of one value under its own heading is labelled by it
        const headed = row.querySelector(":scope > th") && row.querySelectorAll(":scope > td").length === 1;
        if ((!label || !label.trim()) && !headed) problem("card-cell", cell, "a card's cell without data-label");
      }
      continue;
    }
    const width = table.getBoundingClientRect().width;
    let box = table.parentElement;
    while (box && box !== document.body && getComputedStyle(box).overflowX === "visible") box = box.parentElement;
    if (box && box !== document.body && box.scrollWidth > box.clientWidth + 1) {
      const named = box.getAttribute("aria-label") || box.getAttribute("aria-labelledby");
      if (box.tabIndex < 0 || !named) problem("table-scroll", box, `scrolls a ${round(width)} px table but is not focusable and named`);
    }
  }
  // 6. Dates in French: no ISO date, no English day or month name in the text a person reads.
  const text = document.body.innerText;
  const english = /\b(\d{4}-\d{2}-\d{2}|Tue|Wed|Thu|Fri|Sat|Sun|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Jan|Feb|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|January|February|March|April|June|July|August|September|October|November|December)\b/g;
  const reported = new Set();
  for (const match of text.matchAll(english)) {
    if (reported.has(match[0])) continue;
    reported.add(match[0]);
    const around = text.slice(Math.max(0, match.index - 30), match.index + 30).replace(/\s+/g, " ");
    problems.push({ kind: "not-french", element: "body", detail: `«${around}»` });
  }
  return { scrollWidth, innerWidth: inner, problems };
}
