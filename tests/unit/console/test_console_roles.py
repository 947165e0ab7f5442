import pytest

from services.console.domain.roles import Forbidden, Permission, Role, allowed, parse_role, require


def test_a_viewer_may_only_look():
    assert allowed(Role.VIEWER, Permission.VIEW)
    for permission in (Permission.REPLAY, Permission.PARK, Permission.UNMASK, Permission.MANAGE_OPERATORS):
        assert not allowed(Role.VIEWER, permission)


def test_an_operator_may_replay_and_park_but_not_unmask_or_manage_accounts():
    assert allowed(Role.OPERATOR, Permission.REPLAY) and allowed(Role.OPERATOR, Permission.PARK)
    assert not allowed(Role.OPERATOR, Permission.UNMASK)
    assert not allowed(Role.OPERATOR, Permission.MANAGE_OPERATORS)


def test_an_admin_may_do_everything():
    assert all(allowed(Role.ADMIN, p) for p in Permission)


def test_require_raises_forbidden_naming_the_permission():
    with pytest.raises(Forbidden, match="may not replay"):
        require(Role.VIEWER, Permission.REPLAY)
    require(Role.OPERATOR, Permission.REPLAY)


def test_roles_parse_by_name():
    assert parse_role(" Operator ") is Role.OPERATOR
    with pytest.raises(ValueError, match="unknown role"):
        parse_role("root")
