// Copy the passage a user selects in the article body into the "add a claim" form.
// The page works without this script: the passage can be pasted by hand.
document.addEventListener("DOMContentLoaded", () => {
  const body = document.getElementById("article-body");
  const form = document.getElementById("manual-claim-form");
  if (!body || !form) return;
  const field = form.querySelector("textarea");
  body.addEventListener("mouseup", () => {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed) return;
    const range = selection.getRangeAt(0);
    if (!body.contains(range.commonAncestorContainer)) return;
    const text = selection.toString().trim();
    if (text.length < 3) return;
    field.value = text;
    field.focus({ preventScroll: true });
    form.classList.add("has-selection");
  });
});
