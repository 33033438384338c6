"""Loading that does not surprise: a folder loads whole, a missing file is a FileNotFoundError
that names it, a rule layer left out is a warning, filters that match nothing say which values
exist, and the `dls` command runs from Python and as the installed console script."""

from __future__ import annotations

import errno
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import dls
import dls.cli

REPO_PILOT = Path(__file__).resolve().parents[2] / "dls-core" / "data" / "haarlemmermeer"


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    return Path(dls.demo.write_folder(tmp_path / "haarlemmermeer"))


def test_write_folder_writes_the_repositorys_pilot_files(folder: Path) -> None:
    for src in REPO_PILOT.iterdir():
        if src.suffix in (".toml", ".csv", ".json"):
            assert (folder / src.name).read_text() == src.read_text(), src.name


def test_a_folder_loads_whole_and_routes_as_the_embedded_pilot(folder: Path, pilot) -> None:
    directory = dls.Directory.load_folder(folder)
    rules = dls.RuleSet.load_folder(directory, folder)
    assert sorted(rules.rules) == sorted(pilot.rules.rules)
    assert len(rules.rules) == len(pilot.rules.rules)
    assert not [w for w in rules.warnings if w.kind == "layer_left_out"]
    ours, theirs = dls.Router(rules), dls.Router(pilot.rules)
    for case in pilot.cases:
        assert ours.route(case).to_dict() == theirs.route(case).to_dict()


def test_a_directory_file_alone_names_its_companion(folder: Path) -> None:
    with pytest.raises(FileNotFoundError) as info:
        dls.Directory.load(folder / "directory.toml")
    e = info.value
    assert isinstance(e, dls.MissingFileError) and isinstance(e, dls.ParseError)
    assert isinstance(e, dls.DlsError)
    assert e.errno == errno.ENOENT
    assert e.filename.endswith("areas.toml")
    assert "areas.toml" in str(e)
    # all three files: fine
    d = dls.Directory.load(*(folder / f"{n}.toml" for n in ("areas", "taxonomy", "directory")))
    assert "hoofddorp" in d.kernen


def test_a_missing_file_is_a_file_not_found_error(folder: Path, tmp_path: Path) -> None:
    (folder / "taxonomy.toml").unlink()
    with pytest.raises(FileNotFoundError, match="taxonomy.toml") as info:
        dls.Directory.load_folder(folder)
    assert info.value.filename.endswith("taxonomy.toml")
    with pytest.raises(dls.MissingFileError, match="missing.toml"):
        dls.Directory.load(tmp_path / "missing.toml")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(FileNotFoundError, match=r"rules-\*\.toml"):
        dls.RuleSet.load_folder(dls.demo.haarlemmermeer().directory, empty)
    e = pickle.loads(pickle.dumps(info.value))
    assert type(e) is dls.MissingFileError and e.filename == info.value.filename
    assert str(e) == str(info.value)


def test_a_rule_layer_left_out_is_a_warning(folder: Path) -> None:
    directory = dls.Directory.load_folder(folder)
    rules = dls.RuleSet.load(directory, folder / "rules-national.toml",
                             folder / "rules-GM0394.toml")
    region_rules = (folder / "rules-region.toml").read_text(encoding="utf-8").count("[[rule]]")
    whole = dls.RuleSet.load_folder(directory, folder)
    assert region_rules > 0
    assert len(rules.rules) == len(whole.rules) - region_rules
    left = [w for w in rules.warnings if w.kind == "layer_left_out"]
    assert len(left) == 1
    assert left[0].location.file.endswith("rules-region.toml")
    assert "region:zuid-kennemerland" in left[0].message


def test_a_phase_no_case_has_raises_with_the_phases(pilot) -> None:
    ev = dls.evaluate(pilot.events(), by=["phase"])
    with pytest.raises(dls.BadInputError, match="no case has the phase given: the cases have `baseline`, `pilot`"):
        ev.compare({"phase": "Pilot"}, {"phase": "baseline"})
    with pytest.raises(dls.BadInputError, match="no case has the kern given: the cases have `aalsmeerderbrug`"):
        ev.compare({"kernen": ["atlantis"]}, {"phase": "baseline"})
    assert ev.compare({"phase": "pilot"}, {"phase": "baseline"}).num_rows == 10


def test_an_unknown_municipality_in_coverage_raises_with_the_known(pilot) -> None:
    with pytest.raises(dls.BadInputError, match="`GM9999`.*`GM0394`"):
        dls.coverage(pilot.rules, "2026-06-01", municipality="GM9999")


def test_the_cli_runs_from_python(folder: Path, capfd) -> None:
    assert dls.cli.main(["dls", "validate", str(folder)]) == 0
    rules = len(dls.demo.haarlemmermeer().rules.rules)
    assert f"valid, {rules} rules" in capfd.readouterr().out
    assert dls.cli.main(["dls", "validate", str(folder / "nowhere")]) == 1
    assert dls.cli.main(["dls", "no-such-command"]) == 2


def test_the_installed_dls_command_validates_and_fails_on_a_broken_rule_set(folder: Path) -> None:
    exe = Path(sys.executable).parent / "dls"
    if not exe.exists():
        found = shutil.which("dls")
        assert found, "the wheel installs a `dls` console script"
        exe = Path(found)
    ok = subprocess.run([str(exe), "validate", str(folder)], capture_output=True, text=True,
                        timeout=120)
    assert ok.returncode == 0, ok.stderr
    (folder / "rules-zz.toml").write_text(
        '[[rule]]\nid = "bad"\nneeds = ["zorg.wmo.huishouden"]\narea = "GM0394"\n'
        'target = "service:nope"\n\n'
        '[[rule]]\nid = "worse"\nneeds = ["zorg.nope"]\narea = "kern:atlantis"\n'
        'target = "service:wmo-loket"\n')
    bad = subprocess.run([str(exe), "validate", str(folder)], capture_output=True, text=True,
                         timeout=120)
    assert bad.returncode == 1
    errors = [line for line in bad.stdout.splitlines() if line.startswith("error: ")]
    assert any("rule `bad`" in e and "nope" in e for e in errors), bad.stdout
    assert any("rule `worse`" in e and "atlantis" in e for e in errors), bad.stdout
    assert any("rule `worse`" in e and "zorg.nope" in e for e in errors), bad.stdout
