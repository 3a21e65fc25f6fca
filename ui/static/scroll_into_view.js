// Bring a block of the page into view once per `data.token` (e.g. when an interview starts):
// the browser keeps the scroll offset of the button that was pressed, which on a phone leaves
// the new content above the screen.
export default function (component) {
  const { data } = component;
  const seen = (window.__whiteboardScrolled = window.__whiteboardScrolled || {});
  if (!data || !data.token || seen[data.target] === data.token) return;
  seen[data.target] = data.token;
  const reveal = (tries) => {
    const target = document.querySelector(`.${CSS.escape(data.target)}`);
    if (target) {
      // Clear of Streamlit's header, which stays on top of the page.
      target.style.scrollMarginTop = "4.5rem";
      target.scrollIntoView({ block: "start", behavior: "instant" });
    }
    else if (tries > 0) setTimeout(() => reveal(tries - 1), 100);
  };
  reveal(20);
}
