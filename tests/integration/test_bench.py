"""The benchmark runs end to end at a small size, so it cannot rot. No timing is asserted."""

import datetime as dt
import json

from msp import bench
from msp.cli import main


def test_benchmark_runs_and_reports_every_figure(tmp_path, capsys):
    results = bench.run(enquiries=2000, runs=1, save_runs=2, today=dt.date(2026, 11, 26))
    assert results["enquiries"] == 2000 and results["database"] == "sqlite"
    assert results["demo_data_seconds"] > 0
    assert set(results["aggregates_ms"]) >= {"headline", "achievement_by_team", "timeliness"}
    assert all(v > 0 for v in results["aggregates_ms"].values())
    assert results["sac_tables_ms"] > 0
    assert set(results["saves_ms"]) == {"save_conversation", "save_outcome_change"}
    assert results["baseline"]["same_numbers"] is True
    assert results["peak_rss_mb"] > 0 and results["versions"]["python"]
    text = bench.report(results)
    assert "aggregate: headline" in text and "peak resident memory" in text
    out = tmp_path / "bench.json"
    bench.write_json(results, out)
    assert json.loads(out.read_text())["enquiries"] == 2000


def test_benchmark_command(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(bench, "PAGES", {})  # the renders are covered above
    out = tmp_path / "b.json"
    assert (
        main(["bench", "--enquiries", "300", "--runs", "1", "--save-runs", "1", "--json", str(out)])
        == 0
    )
    assert "MSP Outcomes benchmark: 300 enquiries on sqlite" in capsys.readouterr().out
    assert json.loads(out.read_text())["baseline"]["ratio"] > 0
