// The claim desk's progressive enhancements (the page works without them).
// Live character count for claimReviewed; the server renders the same count without JavaScript.
// The words come from the catalogue in the interface's language; NUMBER stands for the figure.
const words = {
  under: {{ _("characters · under %(guide)s recommended", guide="NUMBER")|tojson }},
  over: {{ _("%(over)s too many", over="NUMBER")|tojson }},
  advice: {{ _("Say what was claimed, never the verdict.")|tojson }},
};
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
    hint.append(count, " " + words.under.replace("NUMBER", String(guide)));
    if (n > guide) {
      const over = document.createElement("strong");
      over.textContent = words.over.replace("NUMBER", String(n - guide));
      hint.append(" — ", over);
    }
    hint.append(". " + words.advice);
  };
  area.addEventListener("input", update);
});
