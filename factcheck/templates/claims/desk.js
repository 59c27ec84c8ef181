// The claim desk's progressive enhancements (the page works without them).
// Live character count for claimReviewed; the server renders the same count without JavaScript.
document.querySelectorAll("textarea[data-guide]").forEach((area) => {
  const guide = Number(area.dataset.guide);
  const hint = document.getElementById(area.id + "-count");
  if (!hint) return;
  const update = () => {
    const n = area.value.length;
    hint.classList.toggle("over", n > guide);
    hint.innerHTML = "";
    const count = document.createElement("span");
    count.className = "n";
    count.textContent = String(n);
    hint.append(count, ` characters · under ${guide} recommended`);
    if (n > guide) {
      const over = document.createElement("strong");
      over.textContent = `${n - guide} too many`;
      hint.append(" — ", over);
    }
    hint.append(". Say what was claimed, never the verdict.");
  };
  area.addEventListener("input", update);
});
