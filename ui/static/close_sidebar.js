// On a phone the sidebar covers the page: close it once a page is chosen in it, as a phone's
// menu does. Streamlit (1.67) leaves it open. One listener per browser tab, on the app's document.
const PHONE = "(max-width: 640px)";

export default function () {
  if (window.__whiteboardSidebarCloser) return;
  window.__whiteboardSidebarCloser = true;
  document.addEventListener(
    "click",
    (event) => {
      if (!window.matchMedia(PHONE).matches) return;
      const link = event.target.closest ? event.target.closest('[data-testid="stSidebarNav"] a') : null;
      if (!link) return;
      // After Streamlit has handled the click (and started the page switch), collapse.
      setTimeout(() => {
        const sidebar = document.querySelector('[data-testid="stSidebar"]');
        if (!sidebar || sidebar.getAttribute("data-collapsed") === "true") return;
        const close = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
        if (close) close.click();
      }, 50);
    },
    true,
  );
}
