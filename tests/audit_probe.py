"""A watch on every test: each transaction that the app's own code commits and that changes
data must also write exactly one audit event (a new user's new teams have one each).

It listens to every SQLAlchemy session (the services' and the pages', AppTest's script thread
included). When a transaction that inserted, updated or deleted rows commits without adding
an `AuditEvent`, or with more than one, and the commit was made by code in `msp/` (not by a
test setting up its data), the service and what it wrote are noted and the test fails at
teardown. So any write a
test exercises — journey, administration, settings, question bank, retention, import — is
checked, including writes added later.

Exempt: the synthetic demo generator and the benchmark, which write in bulk by design (their
own events are tested separately).
"""

from __future__ import annotations

import sys
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import ORMExecuteState, Session

from db.models import AuditEvent

ROOT = Path(__file__).resolve().parents[1]
APP_CODE = str(ROOT / "msp") + "/"
EXEMPT = (str(ROOT / "msp" / "demo") + "/", str(ROOT / "msp" / "bench.py"))
KEY = "_audit_probe"


def _probe(session: Session) -> dict:
    return session.info.setdefault(KEY, {"tables": set(), "actions": []})


def _writer() -> str | None:
    """The outermost function in msp/ on the current stack ("module.function"), or None
    when the commit is not the app's (a test's own set-up) or is exempt."""
    found = None
    frame = sys._getframe(1)
    while frame is not None:
        name = frame.f_code.co_filename
        if name.startswith(EXEMPT):
            return None
        if name.startswith(APP_CODE):
            module = name[len(str(ROOT)) + 1 : -3].replace("/", ".")
            found = f"{module}.{frame.f_code.co_name}"
        frame = frame.f_back
    return found


class AuditProbe:
    def __init__(self) -> None:
        self.unaudited: list[tuple[str, list[str]]] = []
        self.multiple: list[tuple[str, list[str]]] = []

    def after_flush(self, session: Session, _context) -> None:
        probe = _probe(session)
        for obj in session.new:
            if isinstance(obj, AuditEvent):
                probe["actions"].append(obj.action)
            else:
                probe["tables"].add(type(obj).__tablename__)
        for obj in session.dirty:
            if session.is_modified(obj):
                probe["tables"].add(type(obj).__tablename__)
        for obj in session.deleted:
            probe["tables"].add(type(obj).__tablename__)

    def do_orm_execute(self, state: ORMExecuteState) -> None:
        if state.is_insert or state.is_update or state.is_delete:
            table = getattr(state.statement, "table", None)
            name = getattr(table, "name", None) or str(table)
            probe = _probe(state.session)
            if name == AuditEvent.__tablename__:
                probe["actions"].append("(bulk insert)")
            else:
                probe["tables"].add(name)

    def after_commit(self, session: Session) -> None:
        probe = session.info.pop(KEY, None)
        if not probe or not probe["tables"]:
            return
        # One event for the change, except that adding a user also creates any team named
        # for them that did not exist yet, each with its own "team_created".
        actions = probe["actions"]
        main = [a for a in actions if a != "team_created"] or actions
        if len(main) == 1:
            return
        writer = _writer()
        if writer is None:
            return
        if not actions:
            self.unaudited.append((writer, sorted(probe["tables"])))
        else:
            self.multiple.append((writer, actions))

    def after_rollback(self, session: Session) -> None:
        session.info.pop(KEY, None)

    def listen(self) -> None:
        for name in ("after_flush", "do_orm_execute", "after_commit", "after_rollback"):
            sa.event.listen(Session, name, getattr(self, name))

    def stop(self) -> None:
        for name in ("after_flush", "do_orm_execute", "after_commit", "after_rollback"):
            sa.event.remove(Session, name, getattr(self, name))
