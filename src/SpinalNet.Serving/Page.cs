// The page of `spinalnet serve` (docs/serving.md §16.5): choose or drop an image, see the top classes with their
// probabilities, the Grad-CAM overlay and the Spinal layers' shares. One HTML document with its style and script inline:
// no external script, style sheet or font, so it works offline and behind any proxy.
using System.Net;

namespace SpinalNet.Serving;

/// <summary>The HTML of GET /.</summary>
public static class Page
{
    /// <summary>The page for a served model (<paramref name="canExplain"/>: also ask /explain).</summary>
    public static string Html(string model, bool canExplain) => Template
        .Replace("{{MODEL}}", WebUtility.HtmlEncode(model))
        .Replace("{{EXPLAIN}}", canExplain ? "true" : "false");

    const string Template = """
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>spinalnet serve</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #222; }
  h1 { font-size: 1.4rem; margin-bottom: 0.2rem; }
  .model { color: #555; margin-top: 0; }
  #drop { border: 2px dashed #888; border-radius: 8px; padding: 1.5rem; text-align: center; background: #fafafa; }
  #drop.over { background: #e8f0ff; border-color: #36c; }
  #result { display: flex; flex-wrap: wrap; gap: 1.5rem; margin-top: 1.5rem; align-items: flex-start; }
  table { border-collapse: collapse; min-width: 14rem; }
  td, th { padding: 0.25rem 0.6rem; border-bottom: 1px solid #ddd; text-align: left; }
  td.p { text-align: right; font-variant-numeric: tabular-nums; }
  .bar { background: #4682b4; height: 0.6rem; border-radius: 3px; }
  figure { margin: 0; } figcaption { color: #555; font-size: 0.9rem; }
  #status { color: #a00; min-height: 1.2rem; }
</style>
</head>
<body>
<h1>spinalnet serve</h1>
<p class="model">{{MODEL}}</p>
<div id="drop">
  <p>Drop a PNG or JPEG image here, or choose one:</p>
  <input id="file" type="file" accept="image/png,image/jpeg">
</div>
<p id="status"></p>
<div id="result" hidden>
  <div>
    <table id="predictions"><thead><tr><th>class</th><th>probability</th><th></th></tr></thead><tbody></tbody></table>
  </div>
  <figure id="overlay-figure" hidden><img id="overlay" alt="Grad-CAM overlay"><figcaption>Grad-CAM of the
    predicted class</figcaption></figure>
  <figure id="shares-figure" hidden><img id="shares" alt="Spinal layer shares" width="480"><figcaption>Each spinal
    layer's share of the predicted class's logit</figcaption></figure>
</div>
<script>
const explain = {{EXPLAIN}};
const drop = document.getElementById("drop"), input = document.getElementById("file");
const status = document.getElementById("status");
input.addEventListener("change", () => { if (input.files.length) send(input.files[0]); });
drop.addEventListener("dragover", e => { e.preventDefault(); drop.classList.add("over"); });
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", e => {
  e.preventDefault(); drop.classList.remove("over");
  if (e.dataTransfer.files.length) send(e.dataTransfer.files[0]);
});
async function post(path, file) {
  const response = await fetch(path, { method: "POST", body: file,
    headers: { "Content-Type": file.type || "image/png" } });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}
async function send(file) {
  status.textContent = "";
  try {
    const answer = await post("/predict?top=5", file);
    const rows = document.querySelector("#predictions tbody");
    rows.innerHTML = "";
    for (const p of answer.predictions) {
      const row = rows.insertRow();
      row.insertCell().textContent = p["class"];
      const cell = row.insertCell(); cell.className = "p"; cell.textContent = (100 * p.probability).toFixed(2) + "%";
      const bar = document.createElement("div"); bar.className = "bar";
      bar.style.width = Math.max(1, Math.round(120 * p.probability)) + "px";
      row.insertCell().appendChild(bar);
    }
    document.getElementById("result").hidden = false;
    if (!explain) return;
    const e = await post("/explain?top=5", file);
    if (e.overlay_png) {
      document.getElementById("overlay").src = "data:image/png;base64," + e.overlay_png;
      document.getElementById("overlay-figure").hidden = false;
    }
    if (e.shares_png) {
      document.getElementById("shares").src = "data:image/png;base64," + e.shares_png;
      document.getElementById("shares-figure").hidden = false;
    }
  } catch (error) {
    status.textContent = error.message;
  }
}
</script>
</body>
</html>
""";
}
