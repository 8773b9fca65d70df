"""Checks of the docs, run from the repository root (`python tools/check_docs.py`: prints the findings as JSON, exits 1 if
any); `90_project` runs them.

**Words and outputs.** The docs speak to users: no words of how the project organises its own work in README.md or the
notebooks, and stored outputs as a clean run shows them (no stderr, no paths of the machine that ran them, no terminal
colour codes, no progress lines or library warnings).

**Figures.** A *figure* is a decimal number or a percentage in the prose of README.md or of a notebook's markdown cells
(not in math, code spans or link targets; integers are counts and budgets, and section or version numbers are
skipped). It is *backed* when the same value, at the precision written, is found in the stored outputs of a notebook
(the notebook's own, or those of the notebooks its paragraph names), in a results file (`results/**/*.json`, written by
the code that measured it), or among the peers' published figures (`results/published.json`).
"""
from __future__ import annotations
import json, re, subprocess, sys
from pathlib import Path

_HIDDEN = re.compile(r"\$\$.*?\$\$|\$[^$\n]*\$|`[^`\n]*`|\]\([^)]*\)|<[^>]+>", re.S)   # math, code, link targets, tags
_FIGURE = re.compile(r"(?<![\w.])[−-]?\d[\d,]*(?:\.\d+)?%|(?<![\w.,])[−-]?\d[\d,]*\.\d+(?![\d.])")
_NUMBER = re.compile(r"[−-]?\d[\d,]*(?:\.\d+)?(?:e[−+-]?\d+)?")
_NOT_A_FIGURE = re.compile(r"(§|Section|App\.|appendix|eq\.|Eq\.|torch|Python|version|v)\s*[≥>=]*\s*$")
_MILLIONS = re.compile(r"^\s?M\b")                    # "65.3 M parameters": a count in millions


def _float(s: str) -> float | None:
    try: return float(s.replace("−", "-").replace(",", ""))
    except ValueError: return None


def _output_texts(nb_or_cell: dict) -> list[str]:
    "The text of each stored output of a notebook (or of one cell)."
    out = []
    for c in nb_or_cell.get("cells", [nb_or_cell]):
        for o in c.get("outputs", []):
            d = o.get("data", {})
            out.append("".join(o.get("text", "")) + "".join(d.get("text/plain", "")) + "".join(d.get("text/markdown", ""))
                       + "".join(d.get("text/html", "")))
    return out


def _values(texts) -> set[float]:
    return {v for t in texts for m in _NUMBER.finditer(t) if (v := _float(m[0])) is not None}


def backing_values(root: Path) -> tuple[dict, set[float]]:
    "The numbers in each notebook's stored outputs ({stem: values}), and those in the results files."
    per_nb = {f.stem: _values(_output_texts(json.loads(f.read_text()))) for f in sorted((root / "nbs").glob("*.ipynb"))}
    return per_nb, _values(f.read_text() for f in _results_files(root))


def _results_files(root: Path) -> list[Path]:
    "The results files a clone holds: `results/**/*.json` less what git ignores (runs' checkpoints, caches)."
    try:
        out = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "--", "results"], cwd=root,
                             capture_output=True, text=True, check=True).stdout.split("\n")
        return sorted(root / p for p in out if p.endswith(".json") and (root / p).exists())
    except (OSError, subprocess.CalledProcessError):                      # not a git checkout: every file
        return sorted((root / "results").rglob("*.json"))


def _backed(token: str, values: set[float], scale: float = 1.0) -> bool:
    pct = token.endswith("%")
    s = token.rstrip("%").replace("−", "-").replace(",", "")
    x, nd = float(s), len(s.split(".")[1]) if "." in s else 0
    wanted = [(abs(x), nd)] + ([(abs(x) / 100, nd + 2)] if pct else [])      # 53.3% may be stored as 0.533
    return any(round(abs(v) / scale, d) == round(w, d) for v in values for w, d in wanted)


def prose_figures(text: str):
    "(figure, scale, context) for each figure in a markdown text."
    shown = _HIDDEN.sub(" ", text)
    for m in _FIGURE.finditer(shown):
        if _NOT_A_FIGURE.search(shown[max(0, m.start() - 12):m.start()]): continue
        scale = 1e6 if _MILLIONS.match(shown[m.end():]) else 1.0
        yield m[0], scale, shown[max(0, m.start() - 60):m.end() + 20].replace("\n", " ")


_NOTEBOOK = re.compile(r"\b(\d\d[a-z]?_\w+|index)\b")


def unbacked(root: Path, extra_docs: dict | None = None) -> list[dict]:
    """The figures in README.md and the notebooks' markdown (and `extra_docs`: name -> text) that nothing backs.
    A notebook's cell is backed by that notebook's outputs and those of the notebooks it names (`12_pusht`); a README
    paragraph (or table row) by the notebooks it names, or by any notebook if it names none; both by the results."""
    root = Path(root)
    per_nb, results = backing_values(root)
    everything = set().union(results, *per_nb.values())
    def pool(own, text):
        named = {n for n in _NOTEBOOK.findall(text) if n in per_nb} | ({own} if own else set())
        return set().union(results, *(per_nb[n] for n in named)) if named else everything
    units = [(None, f"README.md:{k}", part) for k, part in enumerate(
        re.split(r"\n\s*\n|\n(?=\|)", (root / "README.md").read_text()))]
    for f in sorted((root / "nbs").glob("*.ipynb")):
        if f.stem == "index": continue                                # README.md is its rendering
        for k, c in enumerate(json.loads(f.read_text())["cells"]):
            if c["cell_type"] == "markdown": units.append((f.stem, f"{f.name}#{k}", "".join(c["source"])))
    units += [(None, name, text) for name, text in (extra_docs or {}).items()]
    bad = []
    for own, where, text in units:
        figs = list(prose_figures(text))
        if not figs: continue
        values = pool(own, text)
        bad += [dict(where=where, figure=fig, context=ctx) for fig, sc, ctx in figs if not _backed(fig, values, sc)]
    return bad


# project-process words: the tracker's items and their targets, and "seed" meaning the reference API's docs page
INTERNAL = re.compile("|".join([r"\bissues?\b", r"\bissue's", r"\bbar is (?:not )?met", r"'s bar\b", r"% bar\b",
                                r"\bthe seed's", r"\bseed's library", r"this project's"]))
DIRTY = re.compile(r"\x1b\[|/tmp/|/work/|/home/|/root/|/Users/|site-packages|\bETA \d|\d+it/s|Warning:")
PLANTED = {"planted": "as the issue's bar asks"}     # what `findings` must catch in a text


def findings(root: Path, extra_docs: dict | None = None) -> list:
    "(where, kind, match) for each process word in the docs' text and each unclean stored output."
    root = Path(root)
    docs = {"README.md": (root / "README.md").read_text(), **(extra_docs or {})}
    out = [(name, "text", m[0]) for name, text in docs.items() for m in INTERNAL.finditer(text)]
    for f in sorted((root / "nbs").glob("*.ipynb")):
        for k, c in enumerate(json.loads(f.read_text())["cells"]):
            out += [(f"{f.name}#{k}", "text", m[0]) for m in INTERNAL.finditer("".join(c["source"]))]
            out += [(f"{f.name}#{k}", "output", "stderr") for o in c.get("outputs", []) if o.get("name") == "stderr"]
            out += [(f"{f.name}#{k}", "output", m[0]) for t in _output_texts(c) for m in DIRTY.finditer(t)]
    return out


if __name__ == "__main__":
    bad = dict(words_and_outputs=findings(Path(".")), unbacked_figures=unbacked(Path(".")))
    print(json.dumps(bad, indent=1, ensure_ascii=False))
    sys.exit(1 if any(bad.values()) else 0)
