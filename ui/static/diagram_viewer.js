// The diagram viewer: pan and zoom an SVG inside the page (wheel, drag, pinch, buttons, keys),
// starting where the smallest node text is legible, and report a click on a component.
// `data` is {svg, height, minLabelPx, picked}; the SVG was rebuilt from an allowlist in Python
// (diagrams/svg.py), so it carries no script, handler or link.
const ZOOM_STEP = 1.25;
const MAX_SCALE = 4;
const CLICK_SLOP_PX = 6;

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const root = parentElement.querySelector(".dv-root");
  let viewer = root.__viewer;
  if (!viewer || viewer.svgText !== data.svg) {
    viewer = build(root, data, setTriggerValue);
    root.__viewer = viewer;
  }
  viewer.setTrigger(setTriggerValue);
  viewer.mark(data.picked);
}

function build(root, data, trigger) {
  root.innerHTML = "";
  root.style.setProperty("--dv-height", `${data.height}px`);
  const bar = element("div", "dv-bar");
  const view = element("div", "dv-view");
  const stage = element("div", "dv-stage");
  view.tabIndex = 0;
  view.setAttribute("role", "group");
  view.setAttribute("aria-label", "Architecture diagram: drag to pan, wheel or pinch to zoom");
  stage.innerHTML = data.svg;
  view.appendChild(stage);
  root.append(bar, view);
  const svg = stage.querySelector("svg");
  const box = svg.viewBox.baseVal;
  const pxPerUnit = 96 / 72; // Graphviz draws in points
  const width = box.width * pxPerUnit;
  const height = box.height * pxPerUnit;
  svg.setAttribute("width", String(width));
  svg.setAttribute("height", String(height));
  const sizes = [...svg.querySelectorAll("g.node text")].map((t) => Number(t.getAttribute("font-size")) || 14);
  const smallest = sizes.length ? Math.min(...sizes) : 14;
  // The scale at which the smallest node text is minLabelPx CSS pixels tall.
  const legible = data.minLabelPx / (smallest * pxPerUnit);
  const state = { scale: 1, x: 0, y: 0, trigger, picked: null };

  const fit = () => Math.min(view.clientWidth / width, view.clientHeight / height);
  const minScale = () => Math.min(fit(), legible) * 0.9;
  const apply = () => {
    stage.style.transform = `translate(${state.x}px, ${state.y}px) scale(${state.scale})`;
    root.dataset.scale = state.scale.toFixed(4);
    root.dataset.legible = legible.toFixed(4);
  };
  const clamp = () => {
    // Keep at least a quarter of the view covered by the drawing, so it cannot be lost.
    const w = width * state.scale;
    const h = height * state.scale;
    const keepX = Math.min(w, view.clientWidth) / 4;
    const keepY = Math.min(h, view.clientHeight) / 4;
    state.x = Math.min(view.clientWidth - keepX, Math.max(keepX - w, state.x));
    state.y = Math.min(view.clientHeight - keepY, Math.max(keepY - h, state.y));
  };
  const zoomAt = (factor, cx, cy) => {
    const next = Math.min(MAX_SCALE, Math.max(minScale(), state.scale * factor));
    state.x = cx - ((cx - state.x) * next) / state.scale;
    state.y = cy - ((cy - state.y) * next) / state.scale;
    state.scale = next;
    clamp();
    apply();
  };
  const start = () => {
    // Legible first: the whole drawing only when it fits at a legible size, else its top left
    // (the title and the start of the request path) at the smallest legible scale.
    state.scale = Math.max(legible, Math.min(fit(), 1.5));
    const w = width * state.scale;
    state.x = w < view.clientWidth ? (view.clientWidth - w) / 2 : 0;
    state.y = 0;
    apply();
  };
  const showAll = () => {
    state.scale = fit();
    state.x = (view.clientWidth - width * state.scale) / 2;
    state.y = (view.clientHeight - height * state.scale) / 2;
    apply();
  };
  const centre = () => [view.clientWidth / 2, view.clientHeight / 2];

  button(bar, "+", "Zoom in", () => zoomAt(ZOOM_STEP, ...centre()));
  button(bar, "\u2212", "Zoom out", () => zoomAt(1 / ZOOM_STEP, ...centre()));
  button(bar, "Readable size", "Back to the legible starting zoom", start);
  button(bar, "Whole diagram", "Fit the whole diagram (small text)", showAll);
  const hint = element("span", "dv-hint");
  hint.textContent = "Drag to pan \u00b7 wheel or pinch to zoom \u00b7 click a component for its numbers";
  bar.appendChild(hint);

  view.addEventListener(
    "wheel",
    (event) => {
      event.preventDefault();
      const rect = view.getBoundingClientRect();
      const factor = Math.exp(-event.deltaY * (event.ctrlKey ? 0.01 : 0.0015));
      zoomAt(factor, event.clientX - rect.left, event.clientY - rect.top);
    },
    { passive: false },
  );
  const pointers = new Map();
  let pressed = null; // the component under a press that has not moved: a click
  view.addEventListener("pointerdown", (event) => {
    pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
    const node = event.target.closest ? event.target.closest("g.node[data-node]") : null;
    pressed = pointers.size === 1 && node ? { node, x: event.clientX, y: event.clientY } : null;
    view.classList.add("dv-dragging");
  });
  view.addEventListener("pointermove", (event) => {
    const last = pointers.get(event.pointerId);
    if (!last) return;
    const now = { x: event.clientX, y: event.clientY };
    if (pressed && Math.hypot(now.x - pressed.x, now.y - pressed.y) > CLICK_SLOP_PX) pressed = null;
    if (pointers.size === 1) {
      state.x += now.x - last.x;
      state.y += now.y - last.y;
      clamp();
      apply();
    } else if (pointers.size === 2) {
      const [other] = [...pointers.entries()].filter(([id]) => id !== event.pointerId).map(([, p]) => p);
      const before = Math.hypot(last.x - other.x, last.y - other.y);
      const after = Math.hypot(now.x - other.x, now.y - other.y);
      const rect = view.getBoundingClientRect();
      const midX = (now.x + other.x) / 2 - rect.left;
      const midY = (now.y + other.y) / 2 - rect.top;
      state.x += (now.x - last.x) / 2;
      state.y += (now.y - last.y) / 2;
      if (before > 0) zoomAt(after / before, midX, midY);
    }
    pointers.set(event.pointerId, now);
  });
  const release = (event) => {
    pointers.delete(event.pointerId);
    if (pointers.size === 0) view.classList.remove("dv-dragging");
    if (pressed && event.type === "pointerup") {
      const name = pressed.node.getAttribute("data-node");
      if (name && name !== "legend") state.trigger("picked", name);
    }
    pressed = null;
  };
  view.addEventListener("pointerup", release);
  view.addEventListener("pointercancel", release);
  view.addEventListener("keydown", (event) => {
    const moves = { ArrowLeft: [60, 0], ArrowRight: [-60, 0], ArrowUp: [0, 60], ArrowDown: [0, -60] };
    if (event.key === "+" || event.key === "=") zoomAt(ZOOM_STEP, ...centre());
    else if (event.key === "-") zoomAt(1 / ZOOM_STEP, ...centre());
    else if (event.key === "0") start();
    else if (moves[event.key]) {
      state.x += moves[event.key][0];
      state.y += moves[event.key][1];
      clamp();
      apply();
    } else return;
    event.preventDefault();
  });
  start();
  // The first layout may happen before the page gives the view its width.
  requestAnimationFrame(start);

  return {
    svgText: data.svg,
    setTrigger(next) {
      state.trigger = next;
    },
    mark(name) {
      for (const node of svg.querySelectorAll("g.node.dv-picked")) node.classList.remove("dv-picked");
      if (!name) return;
      for (const node of svg.querySelectorAll("g.node[data-node]")) {
        if (node.getAttribute("data-node") === name) node.classList.add("dv-picked");
      }
    },
  };
}

function element(tag, className) {
  const made = document.createElement(tag);
  made.className = className;
  return made;
}

function button(bar, text, title, onClick) {
  const made = element("button", "dv-button");
  made.type = "button";
  made.textContent = text;
  made.title = title;
  made.setAttribute("aria-label", title);
  made.addEventListener("click", onClick);
  bar.appendChild(made);
}
