"""Wholly synthetic demo data: `generate(engine, enquiries=..., seed=..., today=...)`.

Fills an empty, migrated database with realistic but invented teams, users, people,
enquiries, desired outcomes (with their history), conversations and feedback, and marks it
with the `demo_database` setting. Same seed and same `today`, same data.

- `generator`: `generate`, the row builder and the calendar it works on;
- `profiles`: the national mixes, the team profiles (teams differ on purpose) and accounts;
- `text`: the invented words (outcomes in the person's own words, notes, comments);
- `writer`: the bulk load into SQLite or PostgreSQL, constraints checked once per table;
- `child`: the builder in a child process, for big data sets.
"""

from msp.demo.generator import DEMO_SETTING, DemoDataError, DemoSummary, generate

__all__ = ["DEMO_SETTING", "DemoDataError", "DemoSummary", "generate"]
