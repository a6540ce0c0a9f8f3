"""Tables of the store (SQLAlchemy Core). Timestamps are UTC."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from cases.catalog import STAGES

metadata = MetaData()

# One row per named counter. Bumping it (UPDATE … RETURNING) is the first statement of every
# write, so writers queue on its row lock and sequence numbers are gap-free and in commit order.
sequences = Table(
    "sequences",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("value", BigInteger, nullable=False),
)

# Per department view (access.department_audience), the sequence number of the last event
# it was shown: each new event records the previous one as ``prev``, so a filtered screen
# tells a real gap from events it was never meant to see. Written under the writers' lock.
audience_heads = Table(
    "audience_heads",
    metadata,
    Column("audience", String(64), primary_key=True),
    Column("seq", BigInteger, nullable=False),
)

# Which department view each event belongs to (access.event_audiences less the district):
# a liaison's catch-up pages through their own events only, and learns nothing else.
event_audiences = Table(
    "event_audiences",
    metadata,
    Column("audience", String(64), primary_key=True),
    Column("seq", BigInteger, primary_key=True),
)

cases = Table(
    "cases",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", String(32), nullable=False),
    Column("external_id", String(128)),
    Column("category_code", String(16), nullable=False),
    Column("description", Text, nullable=False),
    Column("lon", Float, nullable=False),
    Column("lat", Float, nullable=False),
    Column("cell_code", String(15), nullable=False),
    Column("street_code", String(9), nullable=False),
    Column("community_code", String(12), nullable=False),
    Column("place", String(200), nullable=False, default=""),
    Column("department", String(32), nullable=False),
    Column("priority", String(16), nullable=False, default="normal"),
    Column("status", String(16), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("allowed_hours", Float, nullable=False),
    Column("working_hours", Boolean, nullable=False, default=False),
    Column("deadline", DateTime(timezone=True), nullable=False),
    # When the SLA risk reaches watch (50%) and at-risk (80%); overdue is the deadline.
    Column("watch_at", DateTime(timezone=True), nullable=False),
    Column("at_risk_at", DateTime(timezone=True), nullable=False),
    Column("accepted_at", DateTime(timezone=True)),
    Column("handled_at", DateTime(timezone=True)),
    Column("closed_at", DateTime(timezone=True)),
    Column("dispatch_count", Integer, nullable=False, default=0),
    Column("return_count", Integer, nullable=False, default=0),
    Column("rework_count", Integer, nullable=False, default=0),
    Column("extension_count", Integer, nullable=False, default=0),
    Column("rating", String(16)),
    Column("reporter", String(64), nullable=False, default=""),
    Column("fingerprint", String(64), nullable=False, default=""),
    Column("version", Integer, nullable=False, default=1),
    # The stage under way and its clock (cases/stages.py keeps them with case_stages).
    Column("stage", String(16), nullable=False, default=""),
    Column("stage_holder", String(32), nullable=False, default=""),
    Column("stage_started_at", DateTime(timezone=True)),
    Column("stage_due_at", DateTime(timezone=True)),
    Column("stage_late_at", DateTime(timezone=True)),
    Column("paused_hours", Float, nullable=False, default=0.0),
    Column("suspended_at", DateTime(timezone=True)),
    Column("review_at", DateTime(timezone=True)),
    Column("extension_requested", Float),
    Column("supervised_at", DateTime(timezone=True)),
    Column("supervise_due_at", DateTime(timezone=True)),
    Column("supervise_answered_at", DateTime(timezone=True)),
    Column("redo_count", Integer, nullable=False, default=0),
    # The urgent fast path (cases/urgent.py): a case marked 紧急 (by its item or an
    # operator's flag) alerts the people on the spot at once and runs a response clock;
    # a drill runs the same path on a marked test case and never counts in the rates.
    Column("urgent", Boolean, nullable=False, default=False),
    Column("drill", Boolean, nullable=False, default=False),
    Column("urgent_at", DateTime(timezone=True)),  # the response clock's start: report or flag
    Column("acknowledged_at", DateTime(timezone=True)),
    Column("on_site_at", DateTime(timezone=True)),
    Column("hazard_removed_at", DateTime(timezone=True)),
    UniqueConstraint("source", "external_id", name="uq_cases_source_external_id"),
    Index("ix_cases_status_cell", "status", "cell_code"),
    Index("ix_cases_created_at", "created_at"),
    Index("ix_cases_closed_at", "closed_at"),
    # The desks' lists (cases/lists.py): a department's open cases by deadline, the operators'
    # queue by how long each has waited, and earlier reports of a category in nearby cells.
    Index("ix_cases_department_status", "department", "status", "deadline"),
    Index("ix_cases_status_updated", "status", "updated_at"),
    Index("ix_cases_category_cell", "category_code", "cell_code", "created_at"),
    # An open list filtered by category: without it SQLite (no statistics) reads every case
    # of the category through ix_cases_category_cell, 220-1,300 ms at 1 M cases; with it,
    # the open cases of the category, 0.5-7 ms (bench/desk.py). Every open list must start
    # from status: an index that hands SQLite a list already in deadline order (department,
    # deadline) lures it off the open cases onto the department's whole history.
    Index("ix_cases_status_category", "status", "category_code", "deadline"),
    # Covers the KPI refresh's count of open cases and late stages by period and dimension
    # (bench/kpi.py).
    Index(
        "ix_cases_open_kpi",
        "status",
        "created_at",
        "deadline",
        "stage",
        "stage_late_at",
        "stage_holder",
        "dispatch_count",
        "street_code",
        "community_code",
        "department",
        "category_code",
    ),
)

# Each stage a case went through (cases/stages.py), derived from its events and kept so
# the KPI counters can be moved by exactly what a change changed, and so a stage once judged
# stays judged. ``n`` orders a case's stages; ``holder`` is a department or the center.
case_stages = Table(
    "case_stages",
    metadata,
    Column("case_id", Integer, primary_key=True),
    Column("n", Integer, primary_key=True),
    Column("stage", String(16), nullable=False),
    Column("holder", String(32), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("limit_hours", Float, nullable=False),
    Column("working", Boolean, nullable=False),
    Column("extended_hours", Float, nullable=False, default=0.0),
    Column("paused_hours", Float, nullable=False, default=0.0),
    Column("paused_at", DateTime(timezone=True)),
    Column("due_at", DateTime(timezone=True)),
    Column("ran_out_at", DateTime(timezone=True)),
    Column("late_at", DateTime(timezone=True)),
    Column("ended_at", DateTime(timezone=True)),
    Column("ended_by", String(128), nullable=False, default=""),
    Column("outcome", String(16), nullable=False, default=""),
    Column("accurate", Boolean),  # a dispatch: False once returned or reassigned away
    Column("returned_by", String(32), nullable=False, default=""),
)

events = Table(
    "events",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("kind", String(32), nullable=False),
    Column("case_id", Integer, nullable=False, index=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(128), nullable=False),
    Column("from_status", String(16)),
    Column("to_status", String(16), nullable=False),
    Column("reason", Text, nullable=False, default=""),
    Column("data", JSON, nullable=False),
)

# Reports the intake refused, kept so that nothing sent to the center silently vanishes.
rejected_reports = Table(
    "rejected_reports",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("reason", String(32), nullable=False),
    Column("detail", Text, nullable=False),
    Column("body", Text, nullable=False),
)

# The catalog, editable by admins while the center runs (seeded from cases/data/*.csv).
departments = Table(
    "departments",
    metadata,
    Column("code", String(32), primary_key=True),
    Column("name_zh", String(64), nullable=False),
    Column("name_en", String(128), nullable=False),
)

categories = Table(
    "categories",
    metadata,
    Column("code", String(16), primary_key=True),
    Column("class_zh", String(32), nullable=False),
    Column("class_en", String(64), nullable=False),
    Column("name_zh", String(64), nullable=False),
    Column("name_en", String(128), nullable=False),
    Column("department", String(32), nullable=False),
    Column("limit", Float, nullable=False),  # the handling stage's, in ``unit``
    Column("unit", String(4), nullable=False),  # h | wh | wd (catalog.LIMIT_UNITS)
    Column("priority", String(16), nullable=False),
    Column("weight", Float, nullable=False),
    # department | street | community (routing.ROUTES): who a case of the item goes to
    Column("route", String(16), nullable=False, default="department"),
)

# Each stage's limit but handling's (the item's own), by priority and the item's clock.
stage_limits = Table(
    "stage_limits",
    metadata,
    Column("priority", String(16), primary_key=True),
    Column("clock", String(16), primary_key=True),
    Column("stage", String(16), primary_key=True),
    Column("limit", Float, nullable=False),
    Column("unit", String(4), nullable=False),
)

# The urgent fast path's targets (cases/urgent_targets.py), minutes from the response
# clock's start, per item code (``*``: the default for flagged items).
urgent_targets = Table(
    "urgent_targets",
    metadata,
    Column("category", String(16), primary_key=True),
    Column("acknowledged", Float, nullable=False),
    Column("on_site", Float, nullable=False),
    Column("hazard_removed", Float, nullable=False),
    Column("closed", Float, nullable=False),
    Column("at_report", Boolean, nullable=False, default=False),
)

# KPI counters per local day a case was reported (its cohort), per dimension (district,
# street, community, department, category). Kept in the same transaction as every change,
# so a KPI refresh sums a few thousand rows instead of scanning every case. The rules of
# each counter are cases/rollup.py's; what each rate divides, cases/kpi.py's.
CASE_COUNTERS = (
    "collected",
    "found_on_patrol",
    "void",
    "rejected",
    "closed",
    "closed_3d",
    "closed_7d",
    "handled",
    "reworked",
    "redone",
    "extended",
    "rated",
    "satisfied",
    "satisfied_basic",
)
# Per stage (立案 … 结案): stages judged (on time or late; withdrawn ones are not) and on
# time; per dispatch, those charged as inaccurate; per department, what it returned and
# what was reassigned away from it.
STAGE_COUNTERS = (
    *(f"{stage}_{what}" for stage in STAGES for what in ("counted", "on_time")),
    "dispatch_inaccurate",
    "returns",
    "reassigned_away",
)
KPI_COUNTERS = CASE_COUNTERS + STAGE_COUNTERS
kpi_rollup = Table(
    "kpi_rollup",
    metadata,
    Column("dim", String(12), primary_key=True),
    Column("key", String(32), primary_key=True),
    Column("day", String(10), primary_key=True),
    *(Column(name, Integer, nullable=False, default=0) for name in KPI_COUNTERS),
)

# Each person's language, remembered across sessions and screens (zh or en).
user_prefs = Table(
    "user_prefs",
    metadata,
    Column("username", String(64), primary_key=True),
    Column("lang", String(8), nullable=False),
)

# People who act in the center; passwords and API tokens are stored only as hashes.
users = Table(
    "users",
    metadata,
    Column("username", String(64), primary_key=True),
    Column("display_name", String(64), nullable=False),
    Column("role", String(16), nullable=False),
    Column("department", String(32)),
    Column("password_hash", String(256), nullable=False),
    Column("token_hash", String(64), unique=True),
    Column("active", Boolean, nullable=False, default=True),
)

# Signed-in sessions, kept on the server so that signing out, an admin, or deactivating a
# user ends them everywhere at once. The browser holds only the random id; its SHA-256 is
# the key here. Times are UTC epoch seconds.
sessions = Table(
    "sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("username", String(64), nullable=False, index=True),
    Column("kind", String(16), nullable=False),  # login | kiosk
    Column("key_name", String(64)),  # the wall key a kiosk session was opened with
    Column("created_at", Float, nullable=False),
    Column("last_seen_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False),
    Column("revoked_at", Float),
    Column("revoked_why", String(32)),
)

# API keys of the systems that talk to the center (hotline, patrol app, 泉心愿, department
# systems, wall displays), each with one scope; stored only as a hash.
api_keys = Table(
    "api_keys",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("scope", String(16), nullable=False),  # access.KEY_SCOPES
    Column("department", String(32)),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("created_at", Float, nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("revoked_at", Float),
)

# Photos attached to cases (处置反馈 evidence). The file is under MEDIA_DIR, named by its
# SHA-256 (cases/photos.py); a case holds a photo once, a file may serve several cases.
case_photos = Table(
    "case_photos",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("mime", String(32), nullable=False),
    Column("width", Integer, nullable=False),
    Column("height", Integer, nullable=False),
    Column("bytes", Integer, nullable=False),
    Column("uploaded_by", String(128), nullable=False),
    Column("uploaded_at", DateTime(timezone=True), nullable=False),
    # Also the index of a case's photos (its leading column).
    UniqueConstraint("case_id", "sha256", name="uq_case_photos_case_sha256"),
)

# The working calendar (cases/calendar.py): per covered year, the days its official schedule
# names that differ from Monday–Friday (a weekday of rest, a weekend day of work) ...
work_calendar = Table(
    "work_calendar",
    metadata,
    Column("day", Date, primary_key=True),
    Column("working", Boolean, nullable=False),
    Column("name", String(64), nullable=False),
    Column("source", String(64), nullable=False),  # chinesecalendar | admin | the file's name
    Column("entered_at", DateTime(timezone=True), nullable=False),
    Column("entered_by", String(128), nullable=False),
)

# ... and the years covered: past them the statutory fallback counts (and the wall warns).
calendar_years = Table(
    "calendar_years",
    metadata,
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("source", String(64), nullable=False),
    Column("entered_at", DateTime(timezone=True), nullable=False),
    Column("entered_by", String(128), nullable=False),
)

# The people on the grid (cases/people.py): grid workers, party branch secretaries,
# department members, property managers and street staff on duty. ``unit`` is the
# department code, the street or community unit, or the property company; ``username``
# links a person who signs in to their account. Phones are shown only by the access policy.
people = Table(
    "people",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(64), nullable=False),
    Column("kind", String(24), nullable=False),  # people.KINDS
    Column("phone", String(32), nullable=False, default=""),
    Column("unit", String(64), nullable=False, default=""),
    Column("username", String(64), unique=True),
    Column("synthetic", Boolean, nullable=False, default=False),
    Column("active", Boolean, nullable=False, default=True),
)

# Each cell's "1+6" team: its grid party branch's secretary leading, its grid worker(s) and
# the members drawn from departments, property management and the street.
team_members = Table(
    "team_members",
    metadata,
    Column("cell_code", String(15), primary_key=True),
    Column("person_id", String(64), primary_key=True, index=True),
    Column("part", String(16), nullable=False),  # people.PARTS
)

# Each cell's grid party branch (网格党支部).
party_branches = Table(
    "party_branches",
    metadata,
    Column("cell_code", String(15), primary_key=True),
    Column("name", String(64), nullable=False),
)

# The roster: who is on duty when (UTC). A person on no shift now is off duty.
duty_shifts = Table(
    "duty_shifts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("person_id", String(64), nullable=False),
    Column("starts_at", DateTime(timezone=True), nullable=False),
    Column("ends_at", DateTime(timezone=True), nullable=False),
    Index("ix_duty_shifts_person", "person_id", "starts_at"),
    Index("ix_duty_shifts_window", "starts_at", "ends_at"),
)

# A grid worker's patrols, and the cells each patrol passed through (coverage).
patrols = Table(
    "patrols",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("person_id", String(64), nullable=False, index=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True)),
)
patrol_cells = Table(
    "patrol_cells",
    metadata,
    Column("patrol_id", Integer, primary_key=True),
    Column("cell_code", String(15), primary_key=True),
    Column("first_at", DateTime(timezone=True), nullable=False),
    Index("ix_patrol_cells_first_at", "first_at", "cell_code"),
)
