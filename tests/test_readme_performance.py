"""The README's performance table is generated from the saved benchmark JSON (issue 12, item 8):
it cannot drift from the figures the benchmarks measured."""
import importlib.util
import json
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("readme_table", ROOT / "benchmarks" / "readme_table.py")
readme_table = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(readme_table)


def test_readme_table_is_what_the_saved_results_give():
    readme = (ROOT / "README.md").read_text()
    assert readme_table.with_table(readme, readme_table.table()) == readme, \
        "README.md's performance table differs from benchmarks/results/: run benchmarks/readme_table.py --write"


def test_every_saved_result_has_a_row_and_a_changed_figure_changes_it(tmp_path):
    saved = sorted(readme_table.RESULTS.glob("*.json"))
    assert saved, "no saved benchmark results"
    known = [p for p in saved if p.stem.rsplit("-", 1)[0] in readme_table.ROWS]
    assert known == saved, "a saved result without a row renderer"
    results = tmp_path / "results"
    shutil.copytree(readme_table.RESULTS, results)
    path = results / known[0].name
    r = json.loads(path.read_text())
    r["measured_on"] = "1999-01-01"
    path.write_text(json.dumps(r))
    table = readme_table.table(results)
    assert table.count("\n| ") == len(saved) + 1 and "1999-01-01" in table


def test_a_readme_without_the_markers_is_refused():
    with pytest.raises(ValueError, match="no"):
        readme_table.with_table("# no table here", readme_table.table())
