// Adding a claim by selecting it in the article body: the selection snaps to whole words, an
// "Add as claim" button appears beside it, and pressing it sends the passage with the "add a
// claim" form (the server checks it is at least a clause, and the page comes back with the new
// claim highlighted where it sits). Without this script the passage can be pasted in that form.
document.addEventListener("DOMContentLoaded", () => {
  const body = document.getElementById("article-body");
  const form = document.getElementById("manual-claim-form");
  if (!body || !form) return;
  const field = form.querySelector("textarea");
  const MIN_WORDS = Number(form.dataset.minWords || 3);
  const MIN_CHARS = Number(form.dataset.minChars || 20);
  const wordChar = /[\p{L}\p{N}]/u;

  const bar = document.createElement("div");
  bar.className = "selection-bar";
  bar.hidden = true;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "primary add-selection";
  button.textContent = form.dataset.addLabel || "Add as claim";
  const hint = document.createElement("span");
  hint.className = "selection-hint";
  hint.setAttribute("role", "status");
  bar.append(button, hint);
  body.append(bar);
  let chosen = "";

  // Widen a range to whole words: a selection cut inside a word takes the whole word.
  const snap = (range) => {
    const start = range.startContainer;
    if (start.nodeType === Node.TEXT_NODE) {
      let i = range.startOffset;
      while (i > 0 && wordChar.test(start.data[i - 1]) && wordChar.test(start.data[i] || "")) i -= 1;
      while (i < start.data.length && /\s/.test(start.data[i])) i += 1;
      range.setStart(start, i);
    }
    const end = range.endContainer;
    if (end.nodeType === Node.TEXT_NODE) {
      let j = range.endOffset;
      while (j < end.data.length && j > 0 && wordChar.test(end.data[j - 1]) && wordChar.test(end.data[j])) j += 1;
      while (j > 0 && /\s/.test(end.data[j - 1])) j -= 1;
      range.setEnd(end, j);
    }
    return range;
  };

  const hide = () => { bar.hidden = true; chosen = ""; };

  const show = () => {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) return hide();
    const range = selection.getRangeAt(0);
    if (!body.contains(range.commonAncestorContainer) || bar.contains(range.commonAncestorContainer)) return hide();
    snap(range);
    selection.removeAllRanges();
    selection.addRange(range);
    chosen = selection.toString().replace(/\s+/g, " ").trim();
    if (!chosen) return hide();
    const words = chosen.match(/[\p{L}\p{N}]+/gu) || [];
    const tooShort = words.length < MIN_WORDS || chosen.length < MIN_CHARS;
    button.disabled = tooShort;
    const tooShortText = form.dataset.tooShort || `Select at least a clause (${MIN_WORDS} words with a verb).`;
    hint.textContent = tooShort ? tooShortText : "";
    const box = range.getBoundingClientRect();
    const frame = body.getBoundingClientRect();
    bar.hidden = false;
    const left = Math.max(0, Math.min(box.left - frame.left, frame.width - bar.offsetWidth));
    bar.style.top = `${box.bottom - frame.top + 6}px`;
    bar.style.left = `${left}px`;
  };

  body.addEventListener("mouseup", () => window.setTimeout(show, 0));
  body.addEventListener("keyup", (event) => { if (event.shiftKey) show(); });
  document.addEventListener("selectionchange", () => {
    const selection = window.getSelection();
    if (!bar.hidden && (!selection || selection.isCollapsed) && !bar.contains(document.activeElement)) hide();
  });
  document.addEventListener("keydown", (event) => { if (event.key === "Escape") hide(); });

  button.addEventListener("click", () => {
    if (!chosen) return;
    field.value = chosen;
    form.classList.add("has-selection");
    form.requestSubmit();
  });
});
