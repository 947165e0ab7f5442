"""The install step's decisions: what is missing, and which commands would install it."""

import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[3] / "deploy" / "local" / "prerequisites.py"
_spec = importlib.util.spec_from_file_location("prerequisites", SCRIPT)
prereqs = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = prereqs  # dataclasses look their module up while the class is made
_spec.loader.exec_module(prereqs)

EVERY_COMMAND = {c for r in prereqs.REQUIREMENTS for c in r.commands} | {"sudo"}
EVERY_MODULE = {m for r in prereqs.REQUIREMENTS for m in r.modules}


def _machine(without=(), modules_without=()):
    commands = EVERY_COMMAND - set(without)
    modules = EVERY_MODULE - set(modules_without)
    return commands.__contains__, modules.__contains__


def _main(argv, without=(), modules_without=(), is_root=True):
    ran = []
    has_command, has_module = _machine(without, modules_without)
    code = prereqs.main(argv, run=lambda command: ran.append(command) or 0, has_command=has_command,
                        has_module=has_module, is_root=is_root)
    return code, ran


def test_a_complete_machine_runs_no_command_at_all():
    assert _main([]) == (0, [])


def test_a_missing_browser_is_installed_from_debian():
    code, ran = _main([], without={"chromium"})
    assert code == 0
    assert ran[0][-3:] == ["apt-get", "update", "-q"]
    assert ran[1][-1] == "chromium" and "install" in ran[1]


def test_each_missing_tool_maps_to_its_package_once():
    absent = prereqs.missing(prereqs.REQUIREMENTS, *_machine(without={"java", "mvn", "chromium"}))
    plan = prereqs.install_plan(absent + absent, is_root=True, has_sudo=False)
    assert plan[1][-3:] == ["openjdk-17-jre-headless", "maven", "chromium"]


def test_python_without_venv_asks_for_python3_venv():
    absent = prereqs.missing(prereqs.REQUIREMENTS, *_machine(modules_without={"ensurepip"}))
    assert [r.package for r in absent] == ["python3-venv"]


def test_a_user_who_is_not_root_installs_through_sudo():
    code, ran = _main([], without={"npm"}, is_root=False)
    assert code == 0 and all(command[0] == "sudo" for command in ran)


def test_no_root_and_no_sudo_fails_naming_the_packages():
    with pytest.raises(prereqs.CannotInstall, match="npm"):
        prereqs.install_plan(prereqs.missing(prereqs.REQUIREMENTS, *_machine(without={"npm", "sudo"})),
                             is_root=False, has_sudo=False)
    assert _main([], without={"npm", "sudo"}, is_root=False) == (1, [])


def test_dry_run_prints_the_plan_and_runs_nothing(capsys):
    assert _main(["--dry-run"], without={"go"}) == (0, [])
    assert "would run:" in capsys.readouterr().out


def test_a_failed_install_fails_the_step():
    code = prereqs.main([], run=lambda command: 100, has_command=_machine(without={"go"})[0],
                        has_module=_machine()[1], is_root=True)
    assert code == 1
