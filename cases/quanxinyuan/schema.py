"""Tables of 泉心愿 and the three lists (on the store's one ``metadata``). Timestamps UTC.

Places are codes: a cell's 15 digits, a community's 12 (its cell code's first 12), a
street's 9. Every item belongs to the community that runs it (``community_code``): its
personal data (a resident's name and phone, a volunteer's phone) is shown only to that
community (``cases.quanxinyuan.access``).
"""

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
    String,
    Table,
    Text,
    UniqueConstraint,
)

from cases.schema import metadata

# -- the audit log: every step of every item, one gap-free sequence (``log.SEQUENCE``) ----
qxy_events = Table(
    "qxy_events",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("kind", String(40), nullable=False),  # e.g. wish.claim, call.sign_up
    Column("item_kind", String(16), nullable=False),  # log.ITEM_KINDS
    Column("item_id", Integer, nullable=False),
    Column("community_code", String(12), nullable=False),
    Column("unit_id", String(64)),  # the unit the step concerns (a claim), if any
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(128), nullable=False),  # "lisi (liaison)", "public:17", "system"
    Column("from_state", String(16)),
    Column("to_state", String(16), nullable=False),
    Column("reason", Text, nullable=False, default=""),
    Column("data", JSON, nullable=False),
    Index("ix_qxy_events_item", "item_kind", "item_id", "seq"),
)

# -- 双报到 units, volunteer teams, and the public (residents and volunteers) -------------
units = Table(
    "units",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(128), nullable=False),
    Column("level", String(16), nullable=False),  # province, city, district, enterprise
    Column("community_code", String(12), nullable=False, index=True),  # registered with
    Column("contact_name", String(64), nullable=False, default=""),
    Column("contact_phone", String(32), nullable=False, default=""),
    Column("offers", JSON, nullable=False),  # resource categories (lists.CATEGORIES)
    Column("offers_text", Text, nullable=False, default=""),
    Column("username", String(64), unique=True),  # the unit's account (role unit)
    Column("synthetic", Boolean, nullable=False, default=False),
    Column("active", Boolean, nullable=False, default=True),
)

volunteer_teams = Table(
    "volunteer_teams",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(128), nullable=False),
    Column("community_code", String(12), nullable=False, index=True),
    Column("unit_id", String(64)),  # a unit's own team, if any
    Column("synthetic", Boolean, nullable=False, default=False),
    Column("active", Boolean, nullable=False, default=True),
    # The team's number as an item of the audit log (its events' ``item_id``; call_desk).
    Column("item_no", Integer, unique=True),
)

# A member of the public who signed in with a verified phone (residents and volunteers).
public_people = Table(
    "public_people",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("phone", String(32), nullable=False, unique=True),
    Column("name", String(64), nullable=False, default=""),
    Column("community_code", String(12)),
    Column("team_id", String(64)),  # a volunteer team, if they joined one
    Column("volunteer", Boolean, nullable=False, default=False),
    Column("consent_at", DateTime(timezone=True)),  # consent to keep the phone, recorded
    Column("consent_version", String(16)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("synthetic", Boolean, nullable=False, default=False),
)

# One-time codes (hashed) and the public's sessions (the cookie holds only a random id).
public_codes = Table(
    "public_codes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("phone", String(32), nullable=False),
    Column("code_hash", String(64), nullable=False),
    Column("sent_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("used_at", DateTime(timezone=True)),
    Index("ix_public_codes_phone", "phone", "sent_at"),
)
public_sessions = Table(
    "public_sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("person_id", Integer, nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("seen_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True)),
)

# Photos of any item (a wish, a sign-up's report, a problem), kept like a case's.
qxy_photos = Table(
    "qxy_photos",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("item_kind", String(16), nullable=False),
    Column("item_id", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("mime", String(32), nullable=False),
    Column("bytes", Integer, nullable=False),
    Column("width", Integer, nullable=False),
    Column("height", Integer, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("by", String(128), nullable=False),
    Index("ix_qxy_photos_item", "item_kind", "item_id"),
)

# -- 微心愿: a resident's small wish, published by the community, claimed by a unit -------
wishes = Table(
    "wishes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("community_code", String(12), nullable=False, index=True),
    Column("cell_code", String(15), nullable=False),
    Column("title", String(128), nullable=False),
    Column("text", Text, nullable=False, default=""),
    Column("category", String(16), nullable=False),  # lists.CATEGORIES
    Column("resident_name", String(64), nullable=False, default=""),  # personal data
    Column("resident_phone", String(32), nullable=False, default=""),  # personal data
    Column("resident_id", Integer),  # public_people.id, when the resident signs in
    Column("due", Date, nullable=False),  # to be fulfilled by (local date)
    Column("state", String(16), nullable=False, index=True),
    Column("unit_id", String(64), index=True),  # the claimant now
    Column("claimed_at", DateTime(timezone=True)),
    Column("claim_expires_at", DateTime(timezone=True)),
    Column("fulfilled_at", DateTime(timezone=True)),
    Column("confirmed_at", DateTime(timezone=True)),
    Column("published_at", DateTime(timezone=True), nullable=False),
    Column("version", Integer, nullable=False, default=1),
    Column("synthetic", Boolean, nullable=False, default=False),
)

# -- 微志愿: a community's call for volunteers, and the sign-ups ---------------------------
calls = Table(
    "calls",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("community_code", String(12), nullable=False, index=True),
    Column("cell_code", String(15)),
    Column("task", String(128), nullable=False),
    Column("text", Text, nullable=False, default=""),
    Column("place", String(128), nullable=False, default=""),
    Column("lon", Float),
    Column("lat", Float),
    Column("starts_at", DateTime(timezone=True), nullable=False),
    Column("ends_at", DateTime(timezone=True), nullable=False),
    Column("wanted", Integer, nullable=False),
    Column("signed", Integer, nullable=False, default=0),  # standing sign-ups (≤ wanted)
    Column("reported", Integer, nullable=False, default=0),
    Column("state", String(16), nullable=False, index=True),
    Column("team_id", String(64)),  # a call to one team, if any
    Column("published_at", DateTime(timezone=True), nullable=False),
    Column("version", Integer, nullable=False, default=1),
    Column("synthetic", Boolean, nullable=False, default=False),
)
call_signups = Table(
    "call_signups",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("call_id", Integer, nullable=False, index=True),
    Column("person_id", Integer, nullable=False, index=True),
    Column("signed_at", DateTime(timezone=True), nullable=False),
    Column("cancelled_at", DateTime(timezone=True)),
    Column("checked_in_at", DateTime(timezone=True)),
    Column("reported_at", DateTime(timezone=True)),
    Column("report_text", Text, nullable=False, default=""),
    UniqueConstraint("call_id", "person_id", name="uq_call_signups_person"),
)

# -- 微治理: a small problem uploaded by a resident or volunteer ---------------------------
problems = Table(
    "problems",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("community_code", String(12), nullable=False, index=True),
    Column("cell_code", String(15), nullable=False),
    Column("category", String(16), nullable=False),  # problems.CATEGORIES
    Column("text", Text, nullable=False),
    Column("lon", Float, nullable=False),
    Column("lat", Float, nullable=False),
    Column("person_id", Integer),  # public_people.id of who uploaded it
    Column("report_id", String(64), unique=True),  # made on the phone: a resend is one
    Column("state", String(16), nullable=False, index=True),
    Column("case_id", Integer, index=True),  # the case it became, if it did
    Column("note", Text, nullable=False, default=""),  # the community's answer
    Column("reported_at", DateTime(timezone=True), nullable=False),
    Column("solved_at", DateTime(timezone=True)),
    Column("version", Integer, nullable=False, default=1),
    Column("synthetic", Boolean, nullable=False, default=False),
)

# -- 三张清单: needs (communities), resources (units), projects joining them -------------
needs = Table(
    "needs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("community_code", String(12), nullable=False, index=True),
    Column("cell_code", String(15)),
    Column("category", String(16), nullable=False),  # lists.CATEGORIES
    Column("title", String(128), nullable=False),
    Column("text", Text, nullable=False, default=""),
    Column("quantity", Integer, nullable=False, default=1),  # people, hours, items…
    Column("state", String(16), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("version", Integer, nullable=False, default=1),
    Column("synthetic", Boolean, nullable=False, default=False),
)
resources = Table(
    "resources",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("unit_id", String(64), nullable=False, index=True),
    Column("community_code", String(12), nullable=False, index=True),  # the unit's
    Column("category", String(16), nullable=False),
    Column("title", String(128), nullable=False),
    Column("text", Text, nullable=False, default=""),
    Column("capacity", Integer, nullable=False, default=1),
    Column("committed", Integer, nullable=False, default=0),  # taken by projects (≤ capacity)
    Column("state", String(16), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("version", Integer, nullable=False, default=1),
    Column("synthetic", Boolean, nullable=False, default=False),
)
projects = Table(
    "projects",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("need_id", Integer, nullable=False, index=True),
    Column("resource_id", Integer, nullable=False, index=True),
    Column("community_code", String(12), nullable=False, index=True),
    Column("unit_id", String(64), nullable=False, index=True),
    Column("title", String(128), nullable=False),
    Column("state", String(16), nullable=False, index=True),
    Column("quantity", Integer, nullable=False, default=1),  # what it takes of the resource
    Column("progress", Integer, nullable=False, default=0),  # percent
    Column("why", JSON, nullable=False),  # the suggestion's reasons, kept
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("done_at", DateTime(timezone=True)),
    Column("version", Integer, nullable=False, default=1),
    Column("synthetic", Boolean, nullable=False, default=False),
)

__all__ = [
    "call_signups",
    "calls",
    "needs",
    "problems",
    "projects",
    "public_codes",
    "public_people",
    "public_sessions",
    "qxy_events",
    "qxy_photos",
    "resources",
    "units",
    "volunteer_teams",
    "wishes",
]
