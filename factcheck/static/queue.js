// The queue's keyboard shortcuts (listed in a dialog on "?"). Every action is also a link or a
// button of the page, which works without this script.
document.addEventListener("DOMContentLoaded", () => {
  const rows = Array.from(document.querySelectorAll("tr.queue-row"));
  const dialog = document.getElementById("shortcuts");
  const opener = document.getElementById("shortcuts-open");
  const bulkForm = document.getElementById("bulk-form");
  const reason = document.getElementById("bulk-reason");
  const takeNext = document.querySelector("form.take-next");
  let current = -1;

  if (dialog && opener && typeof dialog.showModal === "function") {
    opener.hidden = false;
    opener.addEventListener("click", () => dialog.showModal());
  }

  const focusRow = (index) => {
    if (!rows.length) return;
    current = Math.max(0, Math.min(rows.length - 1, index));
    rows.forEach((row, i) => row.classList.toggle("current", i === current));
    const link = rows[current].querySelector("a.claim-open");
    if (link) link.focus();
  };
  const picker = (row) => row && row.querySelector('input[type="checkbox"][name="claims"]');
  const picked = () => Array.from(document.querySelectorAll('input[name="claims"]:checked'));
  const pickCurrent = () => {
    const box = picker(rows[current]);
    if (box && !picked().length) box.checked = true;
    return picked().length > 0;
  };
  const submitWith = (buttonId) => {
    const button = document.getElementById(buttonId);
    if (bulkForm && button) bulkForm.requestSubmit(button);
  };

  // Focus follows the row the user works in, whether reached by Tab, click or shortcut.
  rows.forEach((row, i) => row.addEventListener("focusin", () => {
    current = i;
    rows.forEach((r, j) => r.classList.toggle("current", j === i));
  }));

  // Enter in the reason field dismisses (the form's first submit button is "Dismiss" too).
  if (reason) {
    reason.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        submitWith("bulk-dismiss");
      }
    });
  }

  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target;
    if (target.closest && target.closest("input, textarea, select, [contenteditable], dialog[open]")) return;
    switch (event.key) {
      case "?":
        if (dialog && typeof dialog.showModal === "function") dialog.showModal();
        break;
      case "j":
        focusRow(current + 1);
        break;
      case "k":
        focusRow(current < 0 ? 0 : current - 1);
        break;
      case "x": {
        const box = picker(rows[current]);
        if (box) box.checked = !box.checked;
        break;
      }
      case "a":
        if (pickCurrent()) submitWith("bulk-accept");
        break;
      case "d":
        if (pickCurrent() && reason) reason.focus();
        break;
      case "t":
        if (takeNext) takeNext.requestSubmit();
        break;
      default:
        return;
    }
    event.preventDefault();
  });
});
