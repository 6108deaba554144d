// The History page's form: the custom first and last day are shown only when "Chosen days" is
// the period, the one day otherwise. Without this script every field shows, and the form works.
(function () {
  "use strict";
  const period = document.getElementById("history-period");
  if (!period) return;
  function showFields() {
    const isCustom = period.value === "custom";
    for (const row of document.querySelectorAll(".history-custom")) row.hidden = !isCustom;
    document.getElementById("history-day-row").hidden = isCustom;
  }
  period.addEventListener("change", showFields);
  showFields();
})();
