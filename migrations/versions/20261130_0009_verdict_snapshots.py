"""Published verdicts keep a snapshot of their rating; approval is bound to what was proposed.

``verdicts`` gains:

- ``snapshot_*`` (label, value, best, worst, definition, scale name and language): the rating as
  published, copied at approval. Public pages, the feed and exports read these, so editing a
  rating scale no longer rewrites published fact-checks. Verdicts already approved or superseded
  get theirs here, from their rating's current values (what they showed until now).
- ``last_edited_by_id``: who last wrote the rating or text; they may not approve it.
- ``proposed_version`` and ``proposed_digest``: the draft's version and a digest of the claim
  wording, sources, verdict and rating as proposed; approval refuses when they moved since.
- ``approved_alone``: true only for corrections one editor published alone before this revision
  (the rule did not exist yet); the two-person rule now holds for every other verdict.
- the state ``discarded`` (a correction draft dropped before approval).

SQLite changes CHECK constraints only by rebuilding the table, and ``claims`` references
``verdicts``: under ``foreign_keys = ON`` dropping the old table fails (see 0006). So on SQLite
the rebuild runs with foreign keys off — a pragma that only works outside a transaction, hence
the commit around it — and ``PRAGMA foreign_key_check`` must find nothing before they are back on.
The audit trail is left alone: the backfill restates what was published, it changes nothing.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

OLD_STATES = ("draft", "proposed", "approved", "superseded")
NEW_STATES = (*OLD_STATES, "discarded")

PROPOSED_IS_COMPLETE = (
    "state NOT IN ('proposed', 'approved', 'superseded') OR "
    "(proposed_by_id IS NOT NULL AND proposed_at IS NOT NULL "
    "AND rating_value_id IS NOT NULL AND length(summary) > 0)"
)
APPROVED_HAS_APPROVER = (
    "state NOT IN ('approved', 'superseded') OR "
    "(approved_by_id IS NOT NULL AND approved_at IS NOT NULL)"
)
CORRECTION_HAS_NOTE = (
    "corrects_id IS NULL OR (correction_note IS NOT NULL AND length(correction_note) > 0)"
)
OLD_TWO_PERSON = (
    "approved_by_id IS NULL OR approved_by_id <> proposed_by_id OR corrects_id IS NOT NULL"
)
NEW_TWO_PERSON = (
    "approved_by_id IS NULL OR approved_by_id <> proposed_by_id "
    "OR (approved_alone AND corrects_id IS NOT NULL)"
)
NEW_CHECKS = {
    "approver_did_not_write": (
        "approved_by_id IS NULL OR last_edited_by_id IS NULL OR approved_by_id <> last_edited_by_id"
    ),
    "published_has_snapshot": (
        "state NOT IN ('approved', 'superseded') OR (snapshot_label IS NOT NULL "
        "AND snapshot_value IS NOT NULL AND snapshot_best IS NOT NULL "
        "AND snapshot_worst IS NOT NULL AND snapshot_definition IS NOT NULL "
        "AND snapshot_scale IS NOT NULL AND snapshot_language IS NOT NULL)"
    ),
    "only_corrections_discarded": "state <> 'discarded' OR corrects_id IS NOT NULL",
}
NEW_COLUMNS = (
    ("last_edited_by_id", sa.Integer()),
    ("proposed_version", sa.Integer()),
    ("proposed_digest", sa.String(length=200)),
    ("snapshot_label", sa.String(length=80)),
    ("snapshot_value", sa.Integer()),
    ("snapshot_best", sa.Integer()),
    ("snapshot_worst", sa.Integer()),
    ("snapshot_definition", sa.Text()),
    ("snapshot_scale", sa.String(length=120)),
    ("snapshot_language", sa.String(length=8)),
)


def _verdicts(states: tuple[str, ...], *, new: bool) -> sa.Table:
    """The whole ``verdicts`` table before (``new=False``) or after this revision (SQLite copy)."""
    columns = [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("rating_value_id", sa.Integer(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(*states, name="state", native_enum=False, create_constraint=True, length=24),
            nullable=False,
        ),
        sa.Column("proposed_by_id", sa.Integer(), nullable=True),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("review_comment", sa.Text(), nullable=True),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.Column("correction_note", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
    ]
    constraints = [
        sa.CheckConstraint(APPROVED_HAS_APPROVER, name="approved_has_approver"),
        sa.CheckConstraint(PROPOSED_IS_COMPLETE, name="proposed_is_complete"),
        sa.CheckConstraint(CORRECTION_HAS_NOTE, name="correction_has_note"),
        sa.ForeignKeyConstraint(
            ["approved_by_id"], ["users.id"], name="fk_verdicts_approved_by_id_users"
        ),
        sa.ForeignKeyConstraint(["claim_id"], ["claims.id"], name="fk_verdicts_claim_id_claims"),
        sa.ForeignKeyConstraint(
            ["corrects_id"], ["verdicts.id"], name="fk_verdicts_corrects_id_verdicts"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name="fk_verdicts_created_by_id_users"
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"], ["users.id"], name="fk_verdicts_proposed_by_id_users"
        ),
        sa.ForeignKeyConstraint(
            ["rating_value_id"],
            ["rating_values.id"],
            name="fk_verdicts_rating_value_id_rating_values",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_verdicts"),
    ]
    if new:
        columns += [sa.Column(name, type_, nullable=True) for name, type_ in NEW_COLUMNS]
        columns.append(
            sa.Column("approved_alone", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        constraints += [
            sa.CheckConstraint(NEW_TWO_PERSON, name="two_person_rule"),
            *(sa.CheckConstraint(sql, name=n) for n, sql in NEW_CHECKS.items()),
            sa.ForeignKeyConstraint(
                ["last_edited_by_id"], ["users.id"], name="fk_verdicts_last_edited_by_id_users"
            ),
        ]
    else:
        constraints.append(sa.CheckConstraint(OLD_TWO_PERSON, name="two_person_rule"))
    # The models' convention names the enum's CHECK ``ck_verdicts_state``, as 0001 did.
    metadata = sa.MetaData(naming_convention={"ck": "ck_%(table_name)s_%(constraint_name)s"})
    table = sa.Table("verdicts", metadata, *columns, *constraints)
    sa.Index("ix_verdicts_claim_id", table.c.claim_id)
    return table


@contextmanager
def _sqlite_foreign_keys_off() -> Iterator[None]:
    """Run the block with SQLite's foreign keys off, and refuse to finish if any key dangles."""
    raw = op.get_bind().connection.dbapi_connection
    assert raw is not None
    if raw.in_transaction:
        raw.execute("COMMIT")  # PRAGMA foreign_keys is a no-op inside a transaction
    raw.execute("PRAGMA foreign_keys = OFF")
    raw.execute("BEGIN IMMEDIATE")
    try:
        yield
        dangling = raw.execute("PRAGMA foreign_key_check").fetchall()
        if dangling:
            raise RuntimeError(f"foreign keys left dangling by the rebuild: {dangling[:5]}")
    except BaseException:
        raw.execute("ROLLBACK")
        raw.execute("PRAGMA foreign_keys = ON")
        raise
    raw.execute("COMMIT")
    raw.execute("PRAGMA foreign_keys = ON")
    raw.execute("BEGIN IMMEDIATE")  # alembic records the revision in a transaction of its own


def _backfill() -> None:
    """Snapshot the rating of every published verdict as its public output showed it."""
    rating = "(SELECT {col} FROM rating_values rv WHERE rv.id = verdicts.rating_value_id)"
    scale_of = "(SELECT rv.scale_id FROM rating_values rv WHERE rv.id = verdicts.rating_value_id)"
    # Constant SQL fragments, no input anywhere: S608 (SQL built from strings) does not apply.
    bound = "(SELECT {fn}(b.value) FROM rating_values b WHERE b.scale_id = " + scale_of + ")"  # noqa: S608
    scale = "(SELECT s.{col} FROM rating_scales s WHERE s.id = " + scale_of + ")"  # noqa: S608
    values = {
        "snapshot_label": rating.format(col="label"),
        "snapshot_value": rating.format(col="value"),
        "snapshot_definition": rating.format(col="definition"),
        "snapshot_best": bound.format(fn="max"),
        "snapshot_worst": bound.format(fn="min"),
        "snapshot_scale": scale.format(col="name"),
        "snapshot_language": scale.format(col="language"),
    }
    assignments = ", ".join(f"{column} = {expr}" for column, expr in values.items())
    op.execute(
        "UPDATE verdicts SET "  # noqa: S608 - constant SQL fragments only, no input
        + assignments
        + " WHERE state IN ('approved', 'superseded')"
    )
    # Corrections published by one editor alone, before the rule covered corrections: on record.
    op.execute(
        "UPDATE verdicts SET approved_alone = true "
        "WHERE corrects_id IS NOT NULL AND approved_by_id = proposed_by_id"
    )


def upgrade():
    for name, type_ in NEW_COLUMNS:
        op.add_column("verdicts", sa.Column(name, type_, nullable=True))
    op.add_column(
        "verdicts",
        sa.Column("approved_alone", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    _backfill()
    if op.get_bind().dialect.name == "sqlite":
        with (
            _sqlite_foreign_keys_off(),
            op.batch_alter_table(
                "verdicts", recreate="always", copy_from=_verdicts(NEW_STATES, new=True)
            ),
        ):
            pass
        return
    op.create_foreign_key(
        "fk_verdicts_last_edited_by_id_users", "verdicts", "users", ["last_edited_by_id"], ["id"]
    )
    op.drop_constraint(op.f("ck_verdicts_state"), "verdicts", type_="check")
    op.create_check_constraint(
        op.f("ck_verdicts_state"), "verdicts", "state IN (" + _quoted(NEW_STATES) + ")"
    )
    op.drop_constraint(op.f("ck_verdicts_two_person_rule"), "verdicts", type_="check")
    op.create_check_constraint(op.f("ck_verdicts_two_person_rule"), "verdicts", NEW_TWO_PERSON)
    for name, sql in NEW_CHECKS.items():
        op.create_check_constraint(op.f(f"ck_verdicts_{name}"), "verdicts", sql)


def downgrade():
    # Correction drafts (open or discarded) did not exist before: they go, with their state.
    op.execute(
        "DELETE FROM verdicts WHERE state = 'discarded' "
        "OR (state = 'proposed' AND corrects_id IS NOT NULL)"
    )
    if op.get_bind().dialect.name == "sqlite":
        with (
            _sqlite_foreign_keys_off(),
            op.batch_alter_table(
                "verdicts", recreate="always", copy_from=_verdicts(OLD_STATES, new=False)
            ),
        ):
            pass  # the copy keeps only the old columns: the table matches 0008 exactly
        return
    for name in NEW_CHECKS:
        op.drop_constraint(op.f(f"ck_verdicts_{name}"), "verdicts", type_="check")
    op.drop_constraint(op.f("ck_verdicts_two_person_rule"), "verdicts", type_="check")
    op.create_check_constraint(op.f("ck_verdicts_two_person_rule"), "verdicts", OLD_TWO_PERSON)
    op.drop_constraint(op.f("ck_verdicts_state"), "verdicts", type_="check")
    op.create_check_constraint(
        op.f("ck_verdicts_state"), "verdicts", "state IN (" + _quoted(OLD_STATES) + ")"
    )
    op.drop_constraint("fk_verdicts_last_edited_by_id_users", "verdicts", type_="foreignkey")
    op.drop_column("verdicts", "approved_alone")
    for name, _type in reversed(NEW_COLUMNS):
        op.drop_column("verdicts", name)


def _quoted(states: tuple[str, ...]) -> str:
    return ", ".join(f"'{s}'" for s in states)
