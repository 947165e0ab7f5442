"""Who may do what: three roles, each permission named once, checked on the server for every request."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    VIEWER = "viewer"
    OPERATOR = "operator"
    ADMIN = "admin"


class Permission(StrEnum):
    VIEW = "view"  # every page and read API, personal data masked
    REPLAY = "replay"  # dry-run and replay dead letters
    PARK = "park"  # set a dead letter aside with a reason
    UNMASK = "unmask"  # see personal data in clear (audited)
    MANAGE_OPERATORS = "manage_operators"
    VIEW_AUDIT = "view_audit"


GRANTS: dict[Role, frozenset[Permission]] = {
    Role.VIEWER: frozenset({Permission.VIEW}),
    Role.OPERATOR: frozenset({Permission.VIEW, Permission.REPLAY, Permission.PARK, Permission.VIEW_AUDIT}),
    Role.ADMIN: frozenset(Permission),
}


class Forbidden(Exception):
    """The operator's role does not grant this permission."""

    def __init__(self, role: Role, permission: Permission):
        super().__init__(f"role {role.value!r} may not {permission.value.replace('_', ' ')}")
        self.role = role
        self.permission = permission


def allowed(role: Role, permission: Permission) -> bool:
    return permission in GRANTS[role]


def require(role: Role, permission: Permission) -> None:
    """Raise Forbidden unless `role` grants `permission`."""
    if not allowed(role, permission):
        raise Forbidden(role, permission)


def parse_role(value: str) -> Role:
    """A role from its name; ValueError naming the choices."""
    try:
        return Role(value.strip().lower())
    except ValueError:
        raise ValueError(f"unknown role {value!r}; choose viewer, operator or admin") from None
