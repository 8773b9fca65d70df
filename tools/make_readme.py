"""Render nbs/index.ipynb as README.md (nbdev-readme needs Quarto, which is not installable here).

Markdown cells are copied (links to notebooks, `](05_policy.ipynb)`, made relative to the repository root), code cells become ```python blocks (nbdev directives dropped, hidden cells skipped, `#| echo: false` cells
shown by their output only),
and plain-text outputs follow as ``` blocks. `python tools/make_readme.py` writes README.md; a test in
nbs/90_project.ipynb checks that README.md equals this rendering.
"""
import json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def render(nb_path=ROOT / "nbs" / "index.ipynb") -> str:
    nb = json.loads(Path(nb_path).read_text())
    out = []
    for c in nb["cells"]:
        src = "".join(c["source"])
        if c["cell_type"] == "markdown":
            out.append(re.sub(r"\]\((\w+\.ipynb)\)", r"](nbs/\1)", src.strip()))
            continue
        if c["cell_type"] != "code": continue
        lines = src.splitlines()
        if any(l.strip() in ("#| hide", "#|hide", "#| exporti") for l in lines): continue
        code = "\n".join(l for l in lines if not l.startswith("#|")).strip()
        echo = not any(l.replace(" ", "") == "#|echo:false" for l in lines)     # echo: false: the output only
        if code and echo: out.append(f"```python\n{code}\n```")
        for o in c.get("outputs", []):
            txt = "".join(o.get("text", "")) or "".join(o.get("data", {}).get("text/plain", ""))
            if txt.strip() and "image/png" not in o.get("data", {}): out.append(f"```\n{txt.rstrip()}\n```")
    return "<!-- Generated from nbs/index.ipynb by tools/make_readme.py: edit the notebook, not this file. -->\n\n" + "\n\n".join(out) + "\n"

if __name__ == "__main__":
    (ROOT / "README.md").write_text(render())
    print("README.md written")
