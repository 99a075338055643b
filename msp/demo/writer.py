"""Bulk loading: rows as plain tuples straight into one open transaction.

SQLite gets the driver's `executemany` (no SQLAlchemy per-row work); PostgreSQL gets `COPY`
(psycopg), far faster than INSERT for millions of rows. Dates are ISO strings and timestamps
the text SQLAlchemy itself would store, so the ORM reads them back as usual.

Rows carry `NULL` (the empty string) for an SQL NULL: SQLite's statement turns it back with
NULLIF in the nullable columns, and PostgreSQL's COPY is told that "" means NULL (so no
value can be an empty string). Booleans are 1/0. (Python's sqlite3 module binds None and
bool through a slow adapter lookup.)

Checking constraints one row at a time is most of the cost of a big load, so the load
checks them once, over whole tables, before the transaction commits -- the usual way to
bulk-load (pg_restore does the same):

- SQLite: CHECK and foreign-key enforcement are switched off on the connection for the load
  (SQLite rebuilds each vocabulary `IN (...)` list for every row inserted), then every CHECK
  and every foreign key is verified table by table; the settings are put back afterwards.
- PostgreSQL: the loaded tables' foreign keys, CHECK constraints and plain indexes are
  dropped inside the transaction and re-created, exactly as they were, after the load
  (re-adding a constraint validates every row). DDL is transactional, so a failure at any
  point leaves the schema and data as they were.

Either way a row that breaks a constraint fails the whole load and nothing is written.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from db.models import Base

NULL = ""

# Every table the generator loads through this module.
LOADED_TABLES = (
    "teams",
    "users",
    "team_memberships",
    "people",
    "enquiries",
    "enquiry_risk_types",
    "conversations",
    "desired_outcomes",
    "outcome_versions",
    "conversation_outcomes",
    "feedback_responses",
    "feedback_answers",
    "supervision_notes",
)

# Tables whose integer `id` the generator sets itself; PostgreSQL's sequences are moved past
# them afterwards so the app's own inserts carry on from there.
TABLES_WITH_SERIAL_ID = (
    "teams",
    "users",
    "people",
    "enquiries",
    "conversations",
    "desired_outcomes",
    "outcome_versions",
    "feedback_responses",
    "supervision_notes",
)


class ConstraintBroken(Exception):
    """Generated rows broke a constraint (a bug in the generator)."""


class BulkWriter:
    """Writes rows through the DBAPI connection under `conn`, inside its transaction.

    Create it before the transaction begins (SQLite's foreign-key setting cannot change
    inside one); in the transaction call `lock`, then `prepare` once the database is known
    to be empty, `write` as often as needed and `finish` last; call `close` after the
    transaction has ended.
    """

    def __init__(self, conn: Connection):
        self.conn = conn
        self.dialect = conn.dialect.name
        self.raw = conn.connection.driver_connection
        self.counts: dict[str, int] = {}
        self._statements: dict[tuple[str, tuple[str, ...]], str] = {}
        self._sqlite_settings: dict[str, int] = {}
        # PostgreSQL: what `prepare` set aside, for `finish` to put back.
        self._indexes: list[str] = []
        self._checks: dict[str, list[str]] = {}
        self._foreign_keys: dict[str, list[str]] = {}
        if self.dialect == "sqlite":
            # SQLAlchemy stores a DateTime on SQLite as this text (no zone: values are UTC).
            self.time_suffix = ".000000"
            if self.raw.in_transaction:
                raise RuntimeError("BulkWriter must be created outside a transaction")
            for name, value in (
                ("cache_size", -65536),  # 64 MiB for the load
                ("foreign_keys", 0),
                ("ignore_check_constraints", 1),
            ):
                self._sqlite_settings[name] = self.raw.execute(f"PRAGMA {name}").fetchone()[0]
                self.raw.execute(f"PRAGMA {name}={value}")
        elif self.dialect == "postgresql":
            self.time_suffix = "+00"
        else:  # pragma: no cover - only SQLite and PostgreSQL are supported
            raise NotImplementedError(f"the demo generator does not support {self.dialect}")

    # -- In the transaction ---------------------------------------------------------------

    def lock(self) -> None:
        """Take the write lock now, so the database cannot change between the check that it
        is empty and the load."""
        if self.dialect == "sqlite":
            self.raw.execute("BEGIN IMMEDIATE")
        else:
            self.conn.execute(
                sa.text("LOCK TABLE teams, users, people, enquiries IN EXCLUSIVE MODE")
            )

    def prepare(self) -> None:
        """PostgreSQL: set aside the loaded tables' foreign keys, CHECK constraints and
        plain indexes until `finish`."""
        if self.dialect != "postgresql":
            return
        tables = list(LOADED_TABLES)
        constraints = self.conn.execute(
            sa.text(
                "SELECT c.conrelid::regclass::text, c.conname, c.contype, "
                "pg_get_constraintdef(c.oid) FROM pg_constraint c "
                "WHERE c.contype IN ('f', 'c') "
                "AND c.conrelid = ANY(CAST(:tables AS regclass[])) "
                "ORDER BY c.contype DESC, c.conrelid::regclass::text, c.conname"
            ),
            {"tables": tables},
        ).all()
        indexes = self.conn.execute(
            sa.text(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
                "FROM pg_index i WHERE i.indrelid = ANY(CAST(:tables AS regclass[])) "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
                "ORDER BY 1"
            ),
            {"tables": tables},
        ).all()
        # A CHECK constraint is re-created from the model's own text (PostgreSQL would store
        # its own printout of the constraint differently); one the model does not know is
        # left in place.
        model_checks = self._model_check_constraints()
        for table, name, kind, definition in constraints:
            if kind == "c":
                if name not in model_checks:
                    continue
                self._checks.setdefault(table, []).append(model_checks[name])
            else:
                clause = f'ADD CONSTRAINT "{name}" {definition}'
                self._foreign_keys.setdefault(table, []).append(clause)
            self.conn.execute(sa.text(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'))
        for name, definition in indexes:
            self.conn.execute(sa.text(f"DROP INDEX {name}"))
            self._indexes.append(definition)

    def _restore_postgres(self) -> None:
        """Indexes, then CHECKs, then foreign keys. All of a table's constraints go in one
        ALTER TABLE, so its CHECKs are validated in one pass over the table."""
        self.conn.execute(sa.text("SET LOCAL maintenance_work_mem = '128MB'"))
        for statement in self._indexes:
            self.conn.execute(sa.text(statement))
        for added in (self._checks, self._foreign_keys):
            for table, clauses in added.items():
                self.conn.execute(sa.text(f"ALTER TABLE {table} " + ", ".join(clauses)))
        self._indexes, self._checks, self._foreign_keys = [], {}, {}

    def _model_check_constraints(self) -> dict[str, str]:
        """Constraint name -> "ADD CONSTRAINT ... CHECK (...)" for the loaded tables."""
        clauses = {}
        preparer = self.conn.dialect.identifier_preparer
        for table in LOADED_TABLES:
            for constraint in Base.metadata.tables[table].constraints:
                if isinstance(constraint, sa.CheckConstraint):
                    ddl = str(
                        sa.schema.AddConstraint(constraint).compile(dialect=self.conn.dialect)
                    )
                    prefix = f"ALTER TABLE {preparer.format_table(constraint.table)} "
                    if ddl.startswith(prefix):
                        clauses[preparer.format_constraint(constraint)] = ddl[len(prefix) :]
        return clauses

    def _statement(self, table: str, columns: tuple[str, ...]) -> str:
        key = (table, columns)
        sql = self._statements.get(key)
        if sql is None:
            names = ", ".join(columns)
            if self.dialect == "sqlite":
                # NULLIF costs ~40 ns a value, so only where NULL is allowed; a NOT NULL
                # column left "" is caught by `_verify_sqlite`, as COPY would refuse it.
                nullable = {c.name: c.nullable for c in Base.metadata.tables[table].columns}
                marks = ", ".join("NULLIF(?, '')" if nullable[c] else "?" for c in columns)
                sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"
            else:
                sql = f"COPY {table} ({names}) FROM STDIN WITH (FORMAT text, NULL '')"
            self._statements[key] = sql
        return sql

    def write(self, table: str, columns: Sequence[str], rows: list[tuple]) -> None:
        if table not in LOADED_TABLES:
            raise ValueError(f"{table} is not one of the tables this writer loads")
        if not rows:
            return
        sql = self._statement(table, tuple(columns))
        if self.dialect == "sqlite":
            self.raw.executemany(sql, rows)
        else:
            with self.raw.cursor() as cursor, cursor.copy(sql) as copy:
                write_row = copy.write_row
                for row in rows:
                    write_row(row)
        self.counts[table] = self.counts.get(table, 0) + len(rows)

    def finish(self) -> None:
        """After the last write: check or restore the constraints; on PostgreSQL also move
        the id sequences on. (PostgreSQL's autovacuum analyses the new rows shortly after.)"""
        if self.dialect == "sqlite":
            self._verify_sqlite()
            return
        self._restore_postgres()
        for table in TABLES_WITH_SERIAL_ID:
            if self.counts.get(table):
                self.conn.execute(
                    sa.text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )

    def _verify_sqlite(self) -> None:
        """Every CHECK holds and every foreign key points at an existing row, in one scan
        per table. Where the parent's ids run 1..N without a gap (every table loaded
        here), the smallest and largest child values prove the foreign key; otherwise
        each value is looked up."""
        contiguous: dict[str, int | None] = {}

        def top_id(parent: str) -> int | None:
            if parent not in contiguous:
                count, low, high = self.raw.execute(
                    f"SELECT count(*), min(id), max(id) FROM {parent}"
                ).fetchone()
                contiguous[parent] = high if count and low == 1 and high == count else None
            return contiguous[parent]

        for table in self.counts:
            model = Base.metadata.tables[table]
            checks = [c for c in model.constraints if isinstance(c, sa.CheckConstraint)]
            keys = [
                (fk.parent.name, fk.column.table.name, fk.column.name) for fk in model.foreign_keys
            ]
            missing = [c.name for c in model.columns if not c.nullable]
            broken = " OR ".join(
                [f"NOT ({c.sqltext})" for c in checks] + [f"{name} = ''" for name in missing]
            )
            parts = [f"max(CASE WHEN {broken} THEN 1 ELSE 0 END)"]
            parts += [f"min({col}), max({col})" for col, _, _ in keys]
            values = self.raw.execute(f"SELECT {', '.join(parts)} FROM {table}").fetchone()
            if values[0]:
                tests = [(str(c.name), f"NOT ({c.sqltext})") for c in checks]
                tests += [(f"{name} NOT NULL", f"{name} = ''") for name in missing]
                names = ", ".join(
                    name
                    for name, test in tests
                    if self.raw.execute(f"SELECT 1 FROM {table} WHERE {test} LIMIT 1").fetchone()
                )
                raise ConstraintBroken(f"{table}: rows break {names}")
            for k, (col, parent, parent_col) in enumerate(keys):
                low, high = values[1 + 2 * k], values[2 + 2 * k]
                if low is None:
                    continue
                top = top_id(parent) if parent_col == "id" else None
                if top is not None:
                    ok = isinstance(low, int) and isinstance(high, int) and 1 <= low <= high <= top
                else:
                    ok = (
                        self.raw.execute(
                            f"SELECT 1 FROM {table} WHERE {col} IS NOT NULL AND {col} NOT IN "
                            f"(SELECT {parent_col} FROM {parent}) LIMIT 1"
                        ).fetchone()
                        is None
                    )
                if not ok:
                    raise ConstraintBroken(f"{table}.{col} refers to a missing {parent} row")

    # -- After the transaction ------------------------------------------------------------

    def close(self) -> None:
        """Put the connection's settings back (after the transaction has ended)."""
        for name, value in self._sqlite_settings.items():
            self.raw.execute(f"PRAGMA {name}={int(value)}")
