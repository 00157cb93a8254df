"""Role predicates shared by every app's rules."""

import rules

from pmo.roles import PORTFOLIO_READERS, PORTFOLIO_WRITERS, Role


def role_predicate(*roles: str) -> rules.Predicate:
    @rules.predicate(name=f"has_role({','.join(roles)})")
    def has_any_role(user) -> bool:
        return bool(user and user.is_authenticated and user.has_role(*roles))

    return has_any_role


is_sales = role_predicate(Role.SALES)
is_pm_support = role_predicate(Role.PM_SUPPORT)
is_project_manager = role_predicate(Role.PROJECT_MANAGER)
is_head_of_pm = role_predicate(Role.HEAD_OF_PM)
is_engineering_manager = role_predicate(Role.ENGINEERING_MANAGER)
is_finance = role_predicate(Role.FINANCE)
is_smo = role_predicate(Role.SMO)
is_administrator = role_predicate(Role.ADMINISTRATOR)
is_portfolio_reader = role_predicate(*PORTFOLIO_READERS)
is_portfolio_writer = role_predicate(*PORTFOLIO_WRITERS)
