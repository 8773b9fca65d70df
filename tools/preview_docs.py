"""Browse the docs without Quarto: render nbdev's processed notebooks (`_proc/`, made by `nbdev-proc-nbs`, the stage of
`nbdev-docs` before Quarto) to HTML pages with nbconvert, with an index page, and check every page.

usage: python tools/preview_docs.py [--proc _proc] [--out _preview] [--no-proc] [--only REGEX]

Without --no-proc it first runs `nbdev-proc-nbs` and fails on its errors (a cell that raises when the docs build runs it)
and on nbdev's warning about cells that mix imports with other code (nbdev issue 810: such cells break the build).
Checks, each failing the run with the page named:
- every notebook in nbs/ has a page, and a sidebar entry of nbs/_quarto.yml covers it;
- a page holds each figure of its processed notebook (one <img> per image output, or per inline image of a markdown
  output) and no error output; image/gif outputs count but are not shown (Quarto's and nbconvert's templates drop
  them): GIFs go through `show_gif`;
- every page has a title (the notebook's first `# ` heading).
Prints a JSON report: pages, figures per page, seconds.
"""
import argparse, fnmatch, html, json, re, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MIXED = "Found cells containing imports and other code"


def run_proc(only: str = "") -> str:
    "Run `nbdev-proc-nbs` in the project root; its output, or exit 1 on a failure or a mixed-imports warning."
    r = subprocess.run(["nbdev-proc-nbs", *(["--file-re", only] if only else [])], cwd=ROOT, capture_output=True,
                       text=True)
    log = r.stdout + r.stderr
    if r.returncode != 0 or "Error in notebook" in log:
        sys.exit(f"nbdev-proc-nbs failed (exit {r.returncode}):\n{log[-4000:]}")
    if MIXED in log:
        cells = log[log.index(MIXED):][:1500]
        sys.exit(f"nbdev-proc-nbs: cells mix imports with other code (they break the docs build):\n{cells}")
    return log


def sidebar_globs(quarto_yml: Path) -> list:
    "The notebook names and `auto:` globs of the sidebar in `_quarto.yml` (read as text: no YAML dependency)."
    text = quarto_yml.read_text()
    side = text[text.index("sidebar:"):] if "sidebar:" in text else ""
    return re.findall(r'^\s*-\s*(?:auto:\s*)?"?([\w\[\]\-*?.]+\.ipynb)"?\s*$', side, flags=re.M)


def n_images(nb) -> int:
    """Image outputs of a notebook's code cells (what the page must show), counted before rendering: image outputs, and
    markdown outputs holding an inline image (a GIF shown with `show_gif`)."""
    return sum(1 for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])
               if any(k.startswith("image/") for k in o.get("data", {}))
               or "](data:image/" in "".join(o.get("data", {}).get("text/markdown", "")))


def render(proc: Path, out: Path, only: str = "") -> dict:
    from nbconvert import HTMLExporter
    import nbformat
    out.mkdir(parents=True, exist_ok=True)
    from traitlets.config import Config
    cfg = Config()
    cfg.TagRemovePreprocessor.enabled = True
    cfg.TagRemovePreprocessor.remove_input_tags = {"remove_input"}
    exporter = HTMLExporter(template_name="classic", config=cfg)
    report, problems = {}, []
    nbs = sorted(p for p in (ROOT / "nbs").glob("*.ipynb") if not p.name.startswith(("_", "."))
                 and re.search(only, p.name))
    globs = sidebar_globs(ROOT / "nbs" / "_quarto.yml")
    for src in nbs:
        if not any(fnmatch.fnmatch(src.name, g) for g in globs):
            problems.append(f"{src.name}: no sidebar entry of nbs/_quarto.yml covers it (entries: {globs})")
        p = proc / src.name
        if not p.exists():
            problems.append(f"{src.name}: no processed notebook {p} (run nbdev-proc-nbs)"); continue
        nb = nbformat.read(p, as_version=4)
        want = n_images(nb)
        for c in nb.cells:                                  # what Quarto does with nbdev's cell options, roughly
            for k in [k for k in c if k not in ("cell_type", "id", "metadata", "source", "outputs", "execution_count",
                                                 "attachments")]:
                del c[k]                                    # nbdev's working keys (has_sd, ...) are not nbformat's
            c.metadata.pop("execution", None)               # its timings, not in nbformat's schema either
            lines = c.source.splitlines()
            if c.cell_type == "code" and any(re.match(r"#\|\s*echo:\s*false", l) for l in lines):
                c.metadata["tags"] = ["remove_input"]
            c.source = "\n".join(l for l in lines if not l.startswith("#|"))
        body, _ = exporter.from_notebook_node(nb)
        page = out / (src.stem + ".html")
        page.write_text(body)
        got = len(re.findall(r"<img\b[^>]*src=\"data:image/", body))
        errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
                  if o.get("output_type") == "error"]
        title = next((l[2:].strip() for c in nb.cells if c.cell_type == "markdown"
                      for l in c.source.splitlines() if l.startswith("# ")), None)
        if title is None:
            m = re.search(r"^title:\s*(.+)$", next((c.source for c in nb.cells if c.source.startswith("---")), ""), re.M)
            title = m and m[1].strip().strip('"')
        if got < want: problems.append(f"{page.name}: {got} figures on the page, its notebook has {want}")
        if errors: problems.append(f"{page.name}: {len(errors)} error outputs ({errors[0].get('ename')})")
        if "Traceback (most recent call last)" in body: problems.append(f"{page.name}: a traceback in the page")
        if not title: problems.append(f"{page.name}: no title")
        report[page.name] = dict(figures=got, bytes=len(body), title=title)
    links = "\n".join(f'<li><a href="{n}">{html.escape(r["title"] or n)}</a> ({r["figures"]} figures)</li>'
                      for n, r in report.items())
    (out / "index.html").write_text(f"<!doctype html><title>diffusion_policy_nb docs preview</title>"
                                    f"<h1>diffusion_policy_nb</h1><ul>{links}</ul>")
    return dict(pages=report, problems=problems)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--proc", default=str(ROOT / "_proc"), help="nbdev's processed notebooks (default _proc)")
    ap.add_argument("--out", default=str(ROOT / "_preview"), help="where the HTML pages go (default _preview)")
    ap.add_argument("--no-proc", action="store_true", help="use the existing --proc folder; do not run nbdev-proc-nbs")
    ap.add_argument("--only", default="", help="only the notebooks whose file name matches this regex")
    a = ap.parse_args(argv)
    t0 = time.time()
    if not a.no_proc: run_proc(a.only)
    res = render(Path(a.proc), Path(a.out), a.only)
    print(json.dumps(dict(pages=len(res["pages"]), figures=sum(r["figures"] for r in res["pages"].values()),
                          out=str(a.out), seconds=round(time.time() - t0, 1), problems=res["problems"]), indent=1))
    if res["problems"]: sys.exit(1)


if __name__ == "__main__":
    main()
