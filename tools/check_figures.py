"""Every figure the docs state must come from a measurement the repository keeps.

A *figure* is a decimal number or a percentage in the prose of README.md or of a notebook's markdown cells (not in
math, code spans or link targets; integers are counts and budgets, and section or version numbers are skipped). It is
*backed* when the same value, at the precision written, is found in the stored outputs of a notebook, in a results
file (`results/**/*.json`, written by the code that measured it), or among the peers' published figures
(`results/published.json`). Run from the repository root; prints the unbacked figures as JSON, exits 1 if any.
"""
from __future__ import annotations
import json, re, sys
from pathlib import Path

_HIDDEN = re.compile(r"\$\$.*?\$\$|\$[^$\n]*\$|`[^`\n]*`|\]\([^)]*\)|<[^>]+>", re.S)   # math, code, link targets, tags
_FIGURE = re.compile(r"(?<![\w.])[−-]?\d[\d,]*(?:\.\d+)?%|(?<![\w.,])[−-]?\d[\d,]*\.\d+(?![\d.])")
_NUMBER = re.compile(r"[−-]?\d[\d,]*(?:\.\d+)?(?:e[−+-]?\d+)?")
_NOT_A_FIGURE = re.compile(r"(§|Section|App\.|appendix|eq\.|Eq\.|torch|Python|version|v)\s*[≥>=]*\s*$")
_MILLIONS = re.compile(r"^\s?M\b")                    # "65.3 M parameters": a count in millions


def _float(s: str) -> float | None:
    try: return float(s.replace("−", "-").replace(",", ""))
    except ValueError: return None


def _output_texts(nb: dict) -> list[str]:
    out = []
    for c in nb["cells"]:
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
    return per_nb, _values(f.read_text() for f in sorted((root / "results").rglob("*.json")))


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


if __name__ == "__main__":
    bad = unbacked(Path("."))
    print(json.dumps(bad, indent=1, ensure_ascii=False))
    sys.exit(1 if bad else 0)
